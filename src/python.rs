//! Python source helpers.
