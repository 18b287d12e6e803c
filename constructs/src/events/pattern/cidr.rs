//! IP address matching: `{"cidr": "10.0.0.0/24"}` for IPv4 and IPv6.

use std::net::IpAddr;

/// A parsed CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address/prefix`, with EventBridge's limits on the prefix length.
    pub(crate) fn parse(text: &str) -> Result<Cidr, String> {
        let Some((addr, bits)) = text.split_once('/') else {
            return Err(format!("cidr {text:?} must have the form address/prefix-length, e.g. 10.0.0.0/24"));
        };
        let network: IpAddr =
            addr.parse().map_err(|_| format!("cidr {text:?}: {addr:?} is not an IPv4 or IPv6 address"))?;
        let prefix: u8 =
            bits.parse().map_err(|_| format!("cidr {text:?}: prefix length {bits:?} is not a whole number"))?;
        // EventBridge (event-ruler) accepts /0../31 for IPv4 and /0../127 for IPv6; a single address
        // is matched with an exact value instead.
        let max = if network.is_ipv4() { 31 } else { 127 };
        if prefix > max {
            return Err(format!(
                "cidr {text:?}: prefix length must be between 0 and {max} for {} (match a single address with an exact value)",
                if network.is_ipv4() { "IPv4" } else { "IPv6" }
            ));
        }
        Ok(Cidr { network, prefix })
    }

    /// Is `ip` inside the block? (Addresses of the other family never are.)
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => same_prefix(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

fn same_prefix(a: &[u8], b: &[u8], bits: u8) -> bool {
    let full = (bits / 8) as usize;
    if a[..full] != b[..full] {
        return false;
    }
    let rest = bits % 8;
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rules() {
        assert!(Cidr::parse("10.0.0.0/24").is_ok());
        assert!(Cidr::parse("2001:db8::/32").is_ok());
        assert!(Cidr::parse("10.0.0.0").unwrap_err().contains("address/prefix-length"));
        assert!(Cidr::parse("10.0.0/8").unwrap_err().contains("not an IPv4 or IPv6"));
        assert!(Cidr::parse("10.0.0.0/x").unwrap_err().contains("not a whole number"));
        assert!(Cidr::parse("10.0.0.0/32").unwrap_err().contains("between 0 and 31 for IPv4"));
        assert!(Cidr::parse("::/128").unwrap_err().contains("between 0 and 127 for IPv6"));
    }

    #[test]
    fn containment() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        assert!(c.contains("10.0.0.33".parse().unwrap()));
        assert!(!c.contains("10.0.1.1".parse().unwrap()));
        assert!(!c.contains("::1".parse().unwrap()));
        let c = Cidr::parse("10.0.0.0/9").unwrap();
        assert!(c.contains("10.127.255.255".parse().unwrap()));
        assert!(!c.contains("10.128.0.0".parse().unwrap()));
        let c = Cidr::parse("2001:db8::/32").unwrap();
        assert!(c.contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(!c.contains("2001:db9::1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("192.168.1.1".parse().unwrap()));
    }
}
