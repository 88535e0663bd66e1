//! Postgres's function and operator resolution ("Type Conversion" chapter, parse_func.c /
//! parse_oper.c): candidates by name and argument count (defaults, VARIADIC, named arguments),
//! exact match, implicit coercion, most exact matches, preferred types, unknown literals
//! resolved by category, then the "all known inputs share a type" rule; polymorphic arguments
//! resolved consistently. An argument type `None` is `unknown` (a string literal, NULL or an
//! untyped parameter).

use super::builtin::{oids, Oid, Operator, Proc};
pub use super::polymorphic::is_polymorphic;
use super::Catalog;

/// A chosen function, with its declared argument types (polymorphics substituted) in call order
/// and its result type.
#[derive(Debug, Clone)]
pub struct FuncMatch<'c> {
    pub proc: &'c Proc,
    pub args: Vec<Oid>,
    pub ret: Oid,
}

#[derive(Debug, Clone)]
pub struct OpMatch<'c> {
    pub op: &'c Operator,
    pub left: Oid,
    pub right: Oid,
    pub result: Oid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// 42883: no candidate accepts these arguments.
    NoMatch,
    /// 42725: several candidates remain.
    Ambiguous,
    /// 42804: a polymorphic result whose inputs are all unknown.
    Polymorphic(String),
}

/// Arguments as written: their types, and for named notation (`days => $1`) their names.
pub struct CallArgs<'a> {
    pub types: &'a [Option<Oid>],
    pub names: &'a [Option<String>],
    /// `VARIADIC arr` in the call: the last argument is the variadic array itself.
    pub variadic: bool,
}

struct Candidate<'c, T> {
    item: &'c T,
    /// Declared type per call argument.
    declared: Vec<Oid>,
}

impl Catalog {
    pub fn resolve_function<'c>(
        &'c self,
        name: &str,
        call: &CallArgs<'_>,
    ) -> Result<FuncMatch<'c>, ResolveError> {
        let procs = self.procs(name);
        let candidates: Vec<Candidate<'c, Proc>> = procs
            .into_iter()
            .filter(|p| p.kind != b'p')
            .filter_map(|p| expand(p, call).map(|declared| Candidate { item: p, declared }))
            .collect();
        let chosen = self.choose(candidates, call.types)?;
        let (args, ret) = self.resolve_polymorphic(&chosen.declared, call.types, chosen.item.ret)?;
        Ok(FuncMatch { proc: chosen.item, args, ret })
    }

    /// `left op right`, or a prefix operator when `left` is `None`.
    pub fn resolve_operator<'c>(
        &'c self,
        name: &str,
        left: Option<Option<Oid>>,
        right: Option<Oid>,
    ) -> Result<OpMatch<'c>, ResolveError> {
        let kind = if left.is_some() { b'b' } else { b'l' };
        let types: Vec<Option<Oid>> = left.into_iter().chain([right]).collect();
        let mut candidates: Vec<Candidate<'c, Operator>> = self
            .operators(name)
            .into_iter()
            .filter(|o| o.kind == kind)
            .map(|o| Candidate {
                item: o,
                declared: if kind == b'b' { vec![o.left, o.right] } else { vec![o.right] },
            })
            .collect();
        // One unknown side: first try it as the other side's type (binary_oper_exact).
        if let [Some(l), None] | [None, Some(l)] = types.as_slice() {
            let base = self.base_type(*l);
            if let Some(i) = candidates.iter().position(|c| c.declared == [base, base]) {
                candidates = vec![candidates.swap_remove(i)];
            }
        }
        let chosen = self.choose(candidates, &types)?;
        let (args, result) = self.resolve_polymorphic(&chosen.declared, &types, chosen.item.result)?;
        let (left, right) = match args.as_slice() {
            [l, r] => (*l, *r),
            [r] => (0, *r),
            _ => (0, 0),
        };
        Ok(OpMatch { op: chosen.item, left, right, result })
    }

    /// func_match_argtypes then func_select_candidate.
    fn choose<'c, T>(
        &self,
        candidates: Vec<Candidate<'c, T>>,
        inputs: &[Option<Oid>],
    ) -> Result<Candidate<'c, T>, ResolveError> {
        let inputs: Vec<Option<Oid>> = inputs.iter().map(|t| t.map(|t| self.base_type(t))).collect();
        // An exact match wins outright.
        let exact = |c: &Candidate<'c, T>| c.declared.iter().zip(&inputs).all(|(d, i)| Some(*d) == *i);
        if let Some(i) = candidates.iter().position(exact) {
            return Ok(candidates.into_iter().nth(i).expect("position is in range"));
        }
        let mut viable: Vec<Candidate<'c, T>> = candidates
            .into_iter()
            .filter(|c| {
                c.declared.iter().zip(&inputs).all(|(d, i)| i.is_none_or(|i| self.can_coerce(i, *d)))
                    && self.polymorphic_consistent(&c.declared, &inputs)
            })
            .collect();
        if viable.len() <= 1 {
            return viable.pop().ok_or(ResolveError::NoMatch);
        }
        // Most exact matches on the known inputs.
        keep_best(&mut viable, |c| c.declared.iter().zip(&inputs).filter(|(d, i)| Some(**d) == **i).count());
        if viable.len() == 1 {
            return Ok(viable.remove(0));
        }
        // Most matches or preferred types of the input's category where coercion is needed.
        keep_best(&mut viable, |c| {
            c.declared
                .iter()
                .zip(&inputs)
                .filter(|(d, i)| {
                    i.is_some_and(|i| {
                        i == **d || (self.is_preferred(**d) && self.category(**d) == self.category(i))
                    })
                })
                .count()
        });
        if viable.len() == 1 {
            return Ok(viable.remove(0));
        }
        let unknown_slots: Vec<usize> = (0..inputs.len()).filter(|i| inputs[*i].is_none()).collect();
        if unknown_slots.is_empty() {
            return Err(ResolveError::Ambiguous);
        }
        // Unknown inputs: the string category if any candidate takes one there, else the one
        // category all candidates share; preferred types of it if any.
        let mut resolved = true;
        let mut slots: Vec<(usize, u8, bool)> = Vec::new();
        for &i in &unknown_slots {
            let mut category: Option<u8> = None;
            let mut preferred = false;
            // A conflict between categories only fails when no candidate offers a string one.
            let mut conflict = false;
            for c in &viable {
                let (cat, pref) = (self.category(c.declared[i]), self.is_preferred(c.declared[i]));
                match category {
                    None => (category, preferred) = (Some(cat), pref),
                    Some(current) if current == cat => preferred |= pref,
                    Some(_) if cat == b'S' => (category, preferred) = (Some(cat), pref),
                    Some(_) => conflict = true,
                }
            }
            resolved &= !(conflict && category != Some(b'S'));
            slots.push((i, category.unwrap_or(b'X'), preferred));
        }
        if resolved {
            let filtered: Vec<usize> = (0..viable.len())
                .filter(|&k| {
                    slots.iter().all(|&(i, cat, pref)| {
                        let d = viable[k].declared[i];
                        self.category(d) == cat && (!pref || self.is_preferred(d))
                    })
                })
                .collect();
            if !filtered.is_empty() {
                let mut k = 0;
                viable.retain(|_| {
                    k += 1;
                    filtered.contains(&(k - 1))
                });
            }
            if viable.len() == 1 {
                return Ok(viable.remove(0));
            }
        }
        // All known inputs of one type: take the unknowns to be that type too.
        let known: Vec<Oid> = inputs.iter().flatten().copied().collect();
        if let Some(&first) = known.first() {
            if known.iter().all(|k| *k == first) {
                // can_coerce_type checks polymorphic arguments together: `tstzrange && $1` is
                // not `anymultirange && anyrange` with $1 a tstzrange.
                let assumed: Vec<Option<Oid>> = inputs.iter().map(|i| Some(i.unwrap_or(first))).collect();
                let fits: Vec<usize> = (0..viable.len())
                    .filter(|&k| {
                        unknown_slots.iter().all(|&i| self.can_coerce(first, viable[k].declared[i]))
                            && self.polymorphic_consistent(&viable[k].declared, &assumed)
                    })
                    .collect();
                if let [one] = fits.as_slice() {
                    return Ok(viable.swap_remove(*one));
                }
            }
        }
        Err(ResolveError::Ambiguous)
    }

    /// Whether a value of `from` is implicitly coercible to `to` (can_coerce_type).
    pub fn can_coerce(&self, from: Oid, to: Oid) -> bool {
        let from = self.base_type(from);
        if from == to || to == oids::ANY || is_polymorphic(to) {
            return true;
        }
        if to == oids::RECORD
            && (self.type_info(from).is_some_and(|t| t.typtype == b'c') || from == oids::RECORD)
        {
            return true;
        }
        if self.cast(from, to) == Some(b'i') {
            return true;
        }
        match (self.element_of(from), self.element_of(to)) {
            (Some(f), Some(t)) => f == t || self.cast(f, t) == Some(b'i'),
            _ => {
                to == oids::RECORD_ARRAY
                    && self.element_of(from).is_some_and(|e| self.can_coerce(e, oids::RECORD))
            }
        }
    }

    /// select_common_type: the type values of a UNION column, CASE, COALESCE, ARRAY[...] or
    /// VALUES column share. Unknown inputs alone give text. `Err` carries the two types that
    /// cannot be matched.
    pub fn common_type(&self, inputs: &[Option<Oid>]) -> Result<Oid, (Oid, Oid)> {
        let known: Vec<Oid> = inputs.iter().flatten().copied().collect();
        let Some(&first) = known.first() else { return Ok(oids::TEXT) };
        if known.iter().all(|t| *t == first) {
            return Ok(first);
        }
        let mut chosen = self.base_type(first);
        for &next in &known[1..] {
            let next = self.base_type(next);
            if next == chosen {
                continue;
            }
            if self.category(next) != self.category(chosen) {
                return Err((chosen, next));
            }
            if !self.is_preferred(chosen) && self.can_coerce(chosen, next) && !self.can_coerce(next, chosen) {
                chosen = next;
            }
        }
        Ok(chosen)
    }
}

/// The declared type of each call argument for `proc`, or `None` if the call cannot match it
/// (argument count, defaults, VARIADIC, names).
fn expand(proc: &Proc, call: &CallArgs<'_>) -> Option<Vec<Oid>> {
    let n = call.types.len();
    let declared = proc.args.len();
    if call.names.iter().any(Option::is_some) {
        let names = proc.input_names();
        let mut out = Vec::with_capacity(n);
        let mut used = vec![false; declared];
        for (i, name) in call.names.iter().enumerate() {
            let position = match name {
                None => i,
                Some(name) => names.iter().position(|p| p == name)?,
            };
            if position >= declared || used[position] {
                return None;
            }
            used[position] = true;
            out.push(proc.args[position]);
        }
        // Arguments not given must have defaults (the last `ndefaults` ones).
        let first_default = declared - proc.ndefaults.min(declared);
        if used.iter().enumerate().any(|(i, u)| !u && i < first_default) {
            return None;
        }
        // Named notation cannot expand a VARIADIC argument.
        return Some(out);
    }
    if proc.variadic != 0 && !call.variadic && declared > 0 {
        let fixed = declared - 1;
        // At least one variadic argument (`concat()` does not exist).
        if n < declared {
            return None;
        }
        // VARIADIC "any" is not an array; the others take their element type repeatedly.
        let elem = proc.variadic;
        let mut out: Vec<Oid> = proc.args[..fixed].to_vec();
        out.extend(std::iter::repeat_n(elem, n - fixed));
        return Some(out);
    }
    if n > declared || n + proc.ndefaults < declared {
        return None;
    }
    Some(proc.args[..n].to_vec())
}

/// Keeps the candidates with the highest score.
fn keep_best<T>(items: &mut Vec<T>, score: impl Fn(&T) -> usize) {
    let best = items.iter().map(&score).max().unwrap_or(0);
    items.retain(|c| score(c) == best);
}
