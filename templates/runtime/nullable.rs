//! A three-state value for fields that are both optional and nullable.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that may be missing, explicitly `null`, or hold a value.
///
/// `Option<T>` cannot tell "leave unchanged" (field absent) from "clear"
/// (`null`); this type can. Generated struct fields use
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, so
/// [`Absent`](Self::Absent) is omitted on the wire and a missing field
/// deserializes to it.
///
/// ```
/// # use openrouter::Nullable;
/// let limit: Nullable<u32> = 10.into();
/// assert_eq!(limit.as_ref(), Some(&10));
/// let cleared: Nullable<u32> = None.into();
/// assert!(cleared.is_null());
/// assert!(Nullable::<u32>::default().is_absent());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The field is not sent (or was not received).
    #[default]
    Absent,
    /// The field is sent (or was received) as `null`.
    Null,
    /// The field holds a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one, dropping the absent/null distinction.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

/// `None` becomes [`Nullable::Null`]: an explicit `None` is a request to clear.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            // `Absent` only gets here without `skip_serializing_if`; `null` is
            // the closest thing on the wire.
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing field never reaches here: `#[serde(default)]` makes it `Absent`.
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        limit: Nullable<u32>,
    }

    #[test]
    fn default_is_absent_for_any_t() {
        struct NoDefault;
        assert!(Nullable::<NoDefault>::default().is_absent());
    }

    #[test]
    fn round_trips_all_three_states() {
        for (value, json) in
            [(Nullable::Absent, "{}"), (Nullable::Null, r#"{"limit":null}"#), (Nullable::Value(3), r#"{"limit":3}"#)]
        {
            let patch = Patch { limit: value };
            assert_eq!(serde_json::to_string(&patch).unwrap(), json);
            assert_eq!(serde_json::from_str::<Patch>(json).unwrap(), patch);
        }
    }
}
