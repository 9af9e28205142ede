"""Career Services CRM: FastAPI on PostgreSQL with row level security."""
