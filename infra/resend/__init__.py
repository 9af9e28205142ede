"""Resend: the sending domain, its DNS records and the bounce/complaint webhook, as code."""
