//! Typed indices and the id-keyed arena that owns each kind of object.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// A typed index into an [`Arena<T>`]: an `Idx<Subnet>` cannot be used to look up a group.
pub struct Idx<T> {
    raw: u32,
    kind: PhantomData<fn() -> T>,
}

impl<T> Idx<T> {
    pub fn new(raw: usize) -> Self {
        Idx {
            raw: raw as u32,
            kind: PhantomData,
        }
    }

    pub fn index(self) -> usize {
        self.raw as usize
    }
}

// Manual impls: derives would demand `T: Clone` etc. although only the number is stored.
impl<T> Clone for Idx<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Idx<T> {}
impl<T> PartialEq for Idx<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> Eq for Idx<T> {}
impl<T> PartialOrd for Idx<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Idx<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<T> Hash for Idx<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}
impl<T> fmt::Debug for Idx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.raw)
    }
}

/// Objects of one kind, in load order, with an index from id to position.
#[derive(Debug)]
pub struct Arena<T> {
    items: Vec<T>,
    by_id: HashMap<String, Idx<T>>,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena {
            items: Vec::new(),
            by_id: HashMap::new(),
        }
    }
}

impl<T> Arena<T> {
    /// Adds an object under `id`. The same id seen again (pagination overlap, the same
    /// export given twice) keeps the first object and returns `None`.
    pub fn insert(&mut self, id: &str, item: T) -> Option<Idx<T>> {
        if self.by_id.contains_key(id) {
            return None;
        }
        let ix = Idx::new(self.items.len());
        self.items.push(item);
        self.by_id.insert(id.to_string(), ix);
        Some(ix)
    }

    pub fn find(&self, id: &str) -> Option<Idx<T>> {
        self.by_id.get(id).copied()
    }

    pub fn get_by_id(&self, id: &str) -> Option<&T> {
        self.find(id).map(|ix| &self.items[ix.index()])
    }

    pub fn get_by_id_mut(&mut self, id: &str) -> Option<&mut T> {
        let ix = self.find(id)?;
        Some(&mut self.items[ix.index()])
    }

    /// Makes `alias` (a second name such as a Terraform address) find the object at `ix`.
    pub fn alias(&mut self, alias: &str, ix: Idx<T>) {
        self.by_id.entry(alias.to_string()).or_insert(ix);
    }

    pub fn get(&self, ix: Idx<T>) -> &T {
        &self.items[ix.index()]
    }

    pub fn get_mut(&mut self, ix: Idx<T>) -> &mut T {
        &mut self.items[ix.index()]
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    pub fn indexed(&self) -> impl Iterator<Item = (Idx<T>, &T)> {
        self.items.iter().enumerate().map(|(i, t)| (Idx::new(i), t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_ids_keep_the_first_object() {
        let mut a: Arena<&str> = Arena::default();
        let first = a.insert("sg-1", "first");
        assert!(first.is_some());
        assert!(a.insert("sg-1", "second").is_none());
        assert_eq!(a.get_by_id("sg-1"), Some(&"first"));
        assert_eq!(a.len(), 1);
        a.alias("aws_security_group.web", first.unwrap());
        assert_eq!(a.get_by_id("aws_security_group.web"), Some(&"first"));
    }
}
