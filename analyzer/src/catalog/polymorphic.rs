//! Polymorphic arguments (anyelement, anyarray, anynonarray, anyenum, anyrange,
//! anymultirange and the anycompatible family): check_generic_type_consistency and
//! enforce_generic_type_consistency, binding them to the call's actual types.

use super::builtin::{oids, Oid};
use super::resolve::ResolveError;
use super::Catalog;

impl Catalog {
    /// check_generic_type_consistency: polymorphic arguments agree on one element type.
    pub(super) fn polymorphic_consistent(&self, declared: &[Oid], inputs: &[Option<Oid>]) -> bool {
        if !declared.iter().any(|d| is_polymorphic(*d)) {
            return true;
        }
        self.poly_element(declared, inputs).is_ok()
    }

    /// The element type the `anyelement` family binds to (`None`: only unknown inputs), or
    /// `Err` when the inputs disagree or do not fit (a non-array for anyarray, ...).
    fn poly_element(&self, declared: &[Oid], inputs: &[Option<Oid>]) -> Result<Option<Oid>, ()> {
        let mut elem: Option<Oid> = None;
        let mut bind = |t: Oid| -> Result<(), ()> {
            match elem {
                Some(e) if e != t => Err(()),
                _ => {
                    elem = Some(t);
                    Ok(())
                }
            }
        };
        for (d, &actual) in declared.iter().zip(inputs) {
            let Some(actual) = actual else { continue };
            // anyelement binds a domain as itself (array_agg of a domain is an array of it);
            // anyarray and anyrange look through domains, as enforce_generic_type_consistency does.
            let i = self.base_type(actual);
            match *d {
                oids::ANYELEMENT => bind(actual)?,
                oids::ANYNONARRAY if !self.is_array(i) => bind(actual)?,
                oids::ANYENUM if self.type_info(i).is_some_and(|t| t.typtype == b'e') => bind(actual)?,
                oids::ANYARRAY => bind(self.element_of(i).ok_or(())?)?,
                oids::ANYRANGE => bind(self.range(i).ok_or(())?.0)?,
                oids::ANYMULTIRANGE => {
                    let range = self.multirange_range(i).ok_or(())?;
                    bind(self.range(range).ok_or(())?.0)?
                }
                oids::ANYNONARRAY | oids::ANYENUM => return Err(()),
                _ => {}
            }
        }
        // The anycompatible family: a common type of all of its inputs.
        let mut compat: Vec<Oid> = Vec::new();
        for (d, i) in declared.iter().zip(inputs) {
            let Some(i) = i.map(|i| self.base_type(i)) else { continue };
            match *d {
                oids::ANYCOMPATIBLE | oids::ANYCOMPATIBLENONARRAY => compat.push(i),
                oids::ANYCOMPATIBLEARRAY => compat.push(self.element_of(i).ok_or(())?),
                oids::ANYCOMPATIBLERANGE => compat.push(self.range(i).ok_or(())?.0),
                _ => {}
            }
        }
        if !compat.is_empty() {
            self.common_type(&compat.into_iter().map(Some).collect::<Vec<_>>()).map_err(|_| ())?;
        }
        Ok(elem)
    }

    /// Substitutes the polymorphic argument and result types of a chosen candidate.
    pub(super) fn resolve_polymorphic(
        &self,
        declared: &[Oid],
        inputs: &[Option<Oid>],
        ret: Oid,
    ) -> Result<(Vec<Oid>, Oid), ResolveError> {
        if !declared.iter().chain([&ret]).any(|d| is_polymorphic(*d)) {
            return Ok((declared.to_vec(), ret));
        }
        let elem = self.poly_element(declared, inputs).map_err(|_| ResolveError::NoMatch)?;
        let compat_inputs: Vec<Option<Oid>> = declared
            .iter()
            .zip(inputs)
            .filter_map(|(d, i)| match *d {
                oids::ANYCOMPATIBLE | oids::ANYCOMPATIBLENONARRAY => Some(*i),
                oids::ANYCOMPATIBLEARRAY => Some(i.and_then(|i| self.element_of(self.base_type(i)))),
                oids::ANYCOMPATIBLERANGE => Some(i.and_then(|i| self.range(self.base_type(i)).map(|r| r.0))),
                _ => None,
            })
            .collect();
        let compat = if compat_inputs.iter().any(Option::is_some) {
            Some(self.common_type(&compat_inputs).map_err(|_| ResolveError::NoMatch)?)
        } else if !compat_inputs.is_empty() {
            Some(oids::TEXT) // all unknown: text, as select_common_type does
        } else {
            None
        };
        let unknown = |what: &str| {
            ResolveError::Polymorphic(format!(
                "could not determine polymorphic type because input has type {what}"
            ))
        };
        let substitute = |d: Oid| -> Result<Oid, ResolveError> {
            Ok(match d {
                oids::ANYELEMENT | oids::ANYNONARRAY | oids::ANYENUM => {
                    elem.ok_or_else(|| unknown("unknown"))?
                }
                oids::ANYARRAY => {
                    let e = elem.ok_or_else(|| unknown("unknown"))?;
                    self.array_of(e).ok_or_else(|| unknown("unknown"))?
                }
                oids::ANYRANGE => {
                    self.range_over(elem.ok_or_else(|| unknown("unknown"))?).ok_or(ResolveError::NoMatch)?
                }
                oids::ANYMULTIRANGE => {
                    let range = self
                        .range_over(elem.ok_or_else(|| unknown("unknown"))?)
                        .ok_or(ResolveError::NoMatch)?;
                    self.range(range).map(|r| r.1).ok_or(ResolveError::NoMatch)?
                }
                oids::ANYCOMPATIBLE | oids::ANYCOMPATIBLENONARRAY => {
                    compat.ok_or_else(|| unknown("unknown"))?
                }
                oids::ANYCOMPATIBLEARRAY => {
                    self.array_of(compat.ok_or_else(|| unknown("unknown"))?).ok_or(ResolveError::NoMatch)?
                }
                oids::ANYCOMPATIBLERANGE => {
                    self.range_over(compat.ok_or_else(|| unknown("unknown"))?).ok_or(ResolveError::NoMatch)?
                }
                other => other,
            })
        };
        let args = declared.iter().map(|d| substitute(*d)).collect::<Result<Vec<_>, _>>()?;
        Ok((args, substitute(ret)?))
    }
}

pub fn is_polymorphic(oid: Oid) -> bool {
    matches!(
        oid,
        oids::ANYELEMENT
            | oids::ANYARRAY
            | oids::ANYNONARRAY
            | oids::ANYENUM
            | oids::ANYRANGE
            | oids::ANYMULTIRANGE
            | oids::ANYCOMPATIBLE
            | oids::ANYCOMPATIBLEARRAY
            | oids::ANYCOMPATIBLENONARRAY
            | oids::ANYCOMPATIBLERANGE
            | oids::ANYCOMPATIBLEMULTIRANGE
    )
}
