//! The reachability engine: what gets through, exactly, and why.
