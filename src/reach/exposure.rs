//! Exposure map.
pub struct Exposure;
pub enum ExposureKind {}
pub enum ExposurePath {}
