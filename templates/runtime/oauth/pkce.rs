//! PKCE helpers (RFC 7636): code verifiers, challenges and the authorization URL.
