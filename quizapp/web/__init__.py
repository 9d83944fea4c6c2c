"""What every request shares: security headers, URL id converters, template helpers, the access log."""
