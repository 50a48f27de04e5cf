//! Load balancers (listeners, target groups, targets) and databases.

use super::source::{Meta, Source};

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    /// `meta.id` is the ARN.
    pub meta: Meta,
    pub name: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    /// `application`, `network`, `gateway`.
    pub lb_type: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub group_ids: Vec<String>,
    pub dns_name: Option<String>,
    pub ip_address_type: Option<String>,
}

impl LoadBalancer {
    pub fn is_internet_facing(&self) -> bool {
        self.scheme == "internet-facing"
    }
}

#[derive(Debug, Clone)]
pub struct Listener {
    pub meta: Meta,
    pub load_balancer_arn: String,
    pub port: u16,
    pub protocol: String,
    /// Target groups the default actions forward to.
    pub target_group_arns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TargetGroup {
    pub meta: Meta,
    pub name: String,
    pub protocol: Option<String>,
    pub port: Option<u16>,
    pub vpc_id: Option<String>,
    /// `instance`, `ip`, `lambda`, `alb`.
    pub target_type: String,
    pub load_balancer_arns: Vec<String>,
    /// NLB client IP preservation (on by default for instance targets).
    pub preserve_client_ip: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub target_group_arn: String,
    /// Instance id or IP address.
    pub target_id: String,
    pub port: Option<u16>,
    pub health: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Database {
    pub meta: Meta,
    pub engine: String,
    pub port: Option<u16>,
    pub publicly_accessible: bool,
    pub encrypted: bool,
    pub subnet_group: Option<String>,
    pub subnet_ids: Vec<String>,
    pub group_ids: Vec<String>,
    pub vpc_id: Option<String>,
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DbSubnetGroup {
    pub meta: Meta,
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
}
