"""Security headers on every console response, pages, redirects, static files and errors.

Scripts and styles come only from the console's own files in /static, never inline: a
note or transcript that slipped past escaping still could not run. The live queue's
script may connect only back to the console (its event stream); forms post only to the
console, and no other site may frame it (clickjacking).
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Pages hold tickets and transcripts: not kept in shared or back-button caches.
NO_STORE = "no-store"
