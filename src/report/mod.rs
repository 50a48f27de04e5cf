//! Findings report writers (human, JSON, and the CI formats).
