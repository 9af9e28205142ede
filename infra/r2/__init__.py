"""R2 object storage: buckets and locks through pulumi-cloudflare, lifecycle and CORS through
pulumi-aws pointed at R2's S3 API."""
