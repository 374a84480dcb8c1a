//! Renders a 100-resource spec in memory: `cargo bench --bench render`.
//! The README quotes the figure; the plan is built but nothing is written.

use criterion::{Criterion, criterion_group, criterion_main};

fn big_spec(resources: usize) -> String {
    let mut spec = String::from("project: { name: big }\nresources:\n");
    for i in 0..resources {
        spec.push_str(&format!(
            "  thing{i}:\n    owned: {}\n    fields:\n      title: string:max=120:index\n      notes: text:optional\n      count: int=0\n      price: decimal(10,2)\n      done: bool=false\n      state: enum(draft,live,gone)=draft\n      due: datetime:optional\n      day: date:optional\n      ref: uuid:unique\n      ratio: float:optional\n",
            i % 2 == 0
        ));
    }
    spec
}

fn render(c: &mut Criterion) {
    let spec = big_spec(100);
    c.bench_function("new: 100 resources, 10 fields each", |b| {
        b.iter(|| {
            let project = backendgen::validate::validate("big.yaml", &spec, None).unwrap();
            backendgen::plan::project(&project, &spec).unwrap()
        });
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
