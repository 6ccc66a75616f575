//! The whole configuration file: one section per service.

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FerryConfig {
    pub provider: ferry_provider::Settings,
    pub marketplace: ferry_marketplace::Settings,
}

impl FerryConfig {
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        Ok(ferry_platform::config::load(file, std::env::vars())?)
    }
}
