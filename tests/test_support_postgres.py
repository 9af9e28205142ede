from tests.support.postgres import PostgresServer


def test_postgres_server_answers_queries(postgres_server: PostgresServer) -> None:
    dsn_db = "support_check"
    postgres_server.create_database(dsn_db)
    try:
        assert postgres_server.psql(dsn_db, "SELECT 40 + 2").strip() == "42"
    finally:
        postgres_server.drop_database(dsn_db)
