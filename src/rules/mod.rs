//! The rule catalog and the checks behind it.
