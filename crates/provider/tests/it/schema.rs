use ferry_platform::testing::assert_schema_parity_of;

#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_schema() {
    assert_schema_parity_of(&ferry_provider::all_migrations()).await;
}
