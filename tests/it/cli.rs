//! The command-line contract: exit codes and JSON shape (DESIGN.md §3).
