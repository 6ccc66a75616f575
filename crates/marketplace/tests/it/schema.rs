use ferry_platform::testing::assert_schema_parity;

#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_schema() {
    assert_schema_parity(&ferry_marketplace::MIGRATIONS).await;
}
