//! `inet`/`cidr` as [`Inet`] and `macaddr` as [`MacAddr`], in Postgres's binary formats, with no
//! extra crate.

use std::error::Error;
use std::net::IpAddr;

use postgres_types::private::BytesMut;
use postgres_types::{to_sql_checked, FromSql, IsNull, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

/// An `inet` or `cidr` value: an address and its network prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Inet {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Inet {
    /// A host address (the full prefix: /32 or /128).
    pub fn host(addr: IpAddr) -> Inet {
        Inet { addr, prefix: if addr.is_ipv4() { 32 } else { 128 } }
    }
}

impl From<IpAddr> for Inet {
    fn from(addr: IpAddr) -> Inet {
        Inet::host(addr)
    }
}

// Postgres's own address family numbers (not the platform's AF_INET/AF_INET6).
const PGSQL_AF_INET: u8 = 2;
const PGSQL_AF_INET6: u8 = 3;

impl<'a> FromSql<'a> for Inet {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Inet, BoxError> {
        let [family, prefix, _is_cidr, len, addr @ ..] = raw else {
            return Err("inet value too short".into());
        };
        let addr = match (*family, *len, addr.len()) {
            (PGSQL_AF_INET, 4, 4) => IpAddr::from(<[u8; 4]>::try_from(addr)?),
            (PGSQL_AF_INET6, 16, 16) => IpAddr::from(<[u8; 16]>::try_from(addr)?),
            _ => return Err("invalid inet value".into()),
        };
        Ok(Inet { addr, prefix: *prefix })
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INET | Type::CIDR)
    }
}

impl ToSql for Inet {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let is_cidr = u8::from(*ty == Type::CIDR);
        match self.addr {
            IpAddr::V4(a) => {
                out.extend_from_slice(&[PGSQL_AF_INET, self.prefix, is_cidr, 4]);
                out.extend_from_slice(&a.octets());
            }
            IpAddr::V6(a) => {
                out.extend_from_slice(&[PGSQL_AF_INET6, self.prefix, is_cidr, 16]);
                out.extend_from_slice(&a.octets());
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INET | Type::CIDR)
    }

    to_sql_checked!();
}

/// A `macaddr` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl<'a> FromSql<'a> for MacAddr {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<MacAddr, BoxError> {
        Ok(MacAddr(<[u8; 6]>::try_from(raw)?))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::MACADDR
    }
}

impl ToSql for MacAddr {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(&self.0);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::MACADDR
    }

    to_sql_checked!();
}
