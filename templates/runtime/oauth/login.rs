//! Interactive login flows that end with a user-controlled API key.
