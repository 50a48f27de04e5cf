//! Error types of the library: every error names the file and the place in it.
