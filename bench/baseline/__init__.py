"""Hand-written apps serving the generated tasks project's `/api/tasks` list, get and
create, to compare the generated code with (bench/cpu_per_request.py)."""
