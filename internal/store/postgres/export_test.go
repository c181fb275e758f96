package postgres

// Migrations are the embedded migrations, for the upgrade test, which runs
// outside the package: testenv imports this package to migrate test schemas.
var Migrations = migrations
