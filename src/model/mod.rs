//! The normalized estate: every loaded AWS object, with typed indices and its source location.
