//! Turns the AWS CLI shapes into model objects, validating values where their JSON pointer
//! is known so that errors can name the exact place.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde_json::Value;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::shapes;
use crate::error::{LoadError, Place};
use crate::load::document::Document;
use crate::model::{Meta, PortSpec, Source, Tags};
use crate::net::Protocol;

/// Conversion context for one document: where we are, for sources and errors.
pub struct Ctx<'d, 'a> {
    pub doc: &'d Document<'a>,
}

impl Ctx<'_, '_> {
    /// A source for the value at `pointer` (relative to the document).
    pub fn source(&self, pointer: &str) -> Source {
        Source::new(self.doc.file, format!("{}{}", self.doc.pointer, pointer))
    }

    pub fn invalid(&self, pointer: &str, message: impl Into<String>) -> LoadError {
        let full = format!("{}{}", self.doc.pointer, pointer);
        let file = crate::model::SourceFile::new(
            std::path::PathBuf::from(self.doc.path),
            Some(std::sync::Arc::from(self.doc.text)),
        );
        LoadError::Invalid {
            path: self.doc.path.to_string(),
            place: Place {
                line: file.line_of_pointer(&full),
                column: None,
                pointer: Some(full),
            },
            message: message.into(),
        }
    }

    pub fn meta(&self, id: &str, pointer: &str, tags: &[shapes::Tag]) -> Meta {
        let mut meta = Meta::new(id, self.source(pointer));
        meta.tags = tags_of(tags);
        meta
    }

    pub fn require_id(&self, id: &str, pointer: &str, field: &str) -> Result<(), LoadError> {
        if id.is_empty() {
            Err(self.invalid(pointer, format!("missing {field}")))
        } else {
            Ok(())
        }
    }

    pub fn cidr(&self, text: &str, pointer: &str) -> Result<IpNet, LoadError> {
        text.trim()
            .parse::<IpNet>()
            .map(|n| n.trunc())
            .map_err(|_| self.invalid(pointer, format!("invalid CIDR block `{text}`")))
    }

    pub fn cidr_v4(&self, text: &str, pointer: &str) -> Result<Ipv4Net, LoadError> {
        match self.cidr(text, pointer)? {
            IpNet::V4(n) => Ok(n),
            IpNet::V6(_) => {
                Err(self.invalid(pointer, format!("expected an IPv4 CIDR, got `{text}`")))
            }
        }
    }

    pub fn cidr_v6(&self, text: &str, pointer: &str) -> Result<Ipv6Net, LoadError> {
        match self.cidr(text, pointer)? {
            IpNet::V6(n) => Ok(n),
            IpNet::V4(_) => {
                Err(self.invalid(pointer, format!("expected an IPv6 CIDR, got `{text}`")))
            }
        }
    }

    pub fn ipv4(&self, text: &str, pointer: &str) -> Result<Ipv4Addr, LoadError> {
        text.trim()
            .parse()
            .map_err(|_| self.invalid(pointer, format!("invalid IPv4 address `{text}`")))
    }

    pub fn ipv6(&self, text: &str, pointer: &str) -> Result<Ipv6Addr, LoadError> {
        text.trim()
            .parse()
            .map_err(|_| self.invalid(pointer, format!("invalid IPv6 address `{text}`")))
    }

    pub fn port(&self, value: i64, pointer: &str) -> Result<u16, LoadError> {
        u16::try_from(value)
            .map_err(|_| self.invalid(pointer, format!("port {value} is outside 0-65535")))
    }

    /// `IpProtocol`/`Protocol`: a string (`tcp`, `6`, `-1`) or a number.
    pub fn protocol(&self, value: &Value, pointer: &str) -> Result<Protocol, LoadError> {
        let parsed = match value {
            Value::String(s) => Protocol::parse(s),
            Value::Number(n) => match n.as_i64() {
                Some(-1) => Some(Protocol::All),
                Some(v) => u8::try_from(v).ok().map(Protocol::Number),
                None => None,
            },
            Value::Null => return Err(self.invalid(pointer, "missing protocol")),
            _ => None,
        };
        parsed.ok_or_else(|| self.invalid(pointer, format!("invalid protocol {value}")))
    }

    /// Security-group ports: `FromPort`/`ToPort` are destination ports for tcp/udp and
    /// type/code for ICMP; absent or `-1` means all; other protocols ignore them (AWS).
    pub fn sg_ports(
        &self,
        proto: Protocol,
        from: Option<i64>,
        to: Option<i64>,
        pointer: &str,
    ) -> Result<PortSpec, LoadError> {
        if proto.has_ports() {
            return self.port_range(from, to, pointer);
        }
        if proto.is_icmp() {
            let icmp_type = self.icmp_part(from, pointer, "type")?;
            let code = self.icmp_part(to, pointer, "code")?;
            return Ok(PortSpec::Icmp {
                icmp_type,
                code: if icmp_type.is_none() { None } else { code },
            });
        }
        Ok(PortSpec::All)
    }

    pub fn port_range(
        &self,
        from: Option<i64>,
        to: Option<i64>,
        pointer: &str,
    ) -> Result<PortSpec, LoadError> {
        match (from, to) {
            (None, None) | (Some(-1), Some(-1)) | (Some(-1), None) | (None, Some(-1)) => {
                Ok(PortSpec::All)
            }
            (Some(f), Some(t)) => {
                let lo = self.port(f, &format!("{pointer}/FromPort"))?;
                let hi = self.port(t, &format!("{pointer}/ToPort"))?;
                if lo > hi {
                    return Err(self.invalid(
                        pointer,
                        format!("FromPort {lo} is greater than ToPort {hi}"),
                    ));
                }
                Ok(PortSpec::Range(lo, hi))
            }
            (Some(p), None) | (None, Some(p)) => {
                let v = self.port(p, pointer)?;
                Ok(PortSpec::Range(v, v))
            }
        }
    }

    fn icmp_part(
        &self,
        value: Option<i64>,
        pointer: &str,
        what: &str,
    ) -> Result<Option<u8>, LoadError> {
        match value {
            None | Some(-1) => Ok(None),
            Some(v) => u8::try_from(v)
                .map(Some)
                .map_err(|_| self.invalid(pointer, format!("ICMP {what} {v} is outside 0-255"))),
        }
    }
}

pub fn tags_of(tags: &[shapes::Tag]) -> Tags {
    Tags(
        tags.iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    )
}

/// Association states come as objects (`{"State": "associated"}`) from AWS and as strings
/// from some emulators; only an explicit disassociated/failed state drops a block.
pub fn association_is_live(state: &Value) -> bool {
    let text = match state {
        Value::Object(map) => map
            .get("State")
            .and_then(Value::as_str)
            .unwrap_or("associated")
            .to_string(),
        Value::String(s) => s.clone(),
        _ => "associated".to_string(),
    };
    !(text.contains("disassociat") || text.contains("failed"))
}

/// The region of an ARN (`arn:aws:ec2:us-east-1:…`) or an availability zone (`us-east-1a`).
pub fn region_of(arn: Option<&str>, zone: Option<&str>) -> Option<String> {
    if let Some(region) = arn
        .and_then(|a| a.split(':').nth(3))
        .filter(|r| !r.is_empty())
    {
        return Some(region.to_string());
    }
    let zone = zone?;
    let trimmed = zone.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (!trimmed.is_empty() && trimmed != zone).then(|| trimmed.to_string())
}
