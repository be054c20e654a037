"""People and access: web users with a role and a scope, sign-in links and browser sessions."""
