"""Tables of the commerce store, in SQL that SQLite and PostgreSQL both accept.

Money columns are integer cents. Nested τ²-bench values that are never queried on their own
(addresses, variant options, order extras) are JSON text. `position` columns keep the source
order so `export()` reproduces db.json as it was seeded.
"""

TABLES = [
    """CREATE TABLE IF NOT EXISTS shop_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS users (
        user_id TEXT PRIMARY KEY, position INTEGER NOT NULL, first_name TEXT NOT NULL,
        last_name TEXT NOT NULL, email TEXT NOT NULL, zip TEXT NOT NULL, address TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS users_by_email ON users (lower(email))",
    "CREATE INDEX IF NOT EXISTS users_by_zip ON users (zip)",
    """CREATE TABLE IF NOT EXISTS payment_methods (
        payment_method_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users, position INTEGER NOT NULL,
        source TEXT NOT NULL, details TEXT NOT NULL, balance_cents BIGINT)""",
    "CREATE INDEX IF NOT EXISTS payment_methods_by_user ON payment_methods (user_id)",
    """CREATE TABLE IF NOT EXISTS products (
        product_id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS variants (
        item_id TEXT PRIMARY KEY, product_id TEXT NOT NULL REFERENCES products, position INTEGER NOT NULL,
        options TEXT NOT NULL, price_cents BIGINT NOT NULL, stock INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS variants_by_product ON variants (product_id)",
    """CREATE TABLE IF NOT EXISTS orders (
        order_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users, position INTEGER NOT NULL,
        user_position INTEGER NOT NULL, status TEXT NOT NULL, address TEXT NOT NULL, extras TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id)",
    """CREATE TABLE IF NOT EXISTS order_items (
        order_id TEXT NOT NULL REFERENCES orders, line_no INTEGER NOT NULL, product_id TEXT NOT NULL,
        item_id TEXT NOT NULL, name TEXT NOT NULL, price_cents BIGINT NOT NULL, options TEXT NOT NULL,
        PRIMARY KEY (order_id, line_no))""",
    """CREATE TABLE IF NOT EXISTS payments (
        order_id TEXT NOT NULL REFERENCES orders, seq INTEGER NOT NULL, transaction_type TEXT NOT NULL,
        amount_cents BIGINT NOT NULL, payment_method_id TEXT NOT NULL, PRIMARY KEY (order_id, seq))""",
    """CREATE TABLE IF NOT EXISTS parcels (
        tracking_id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders, position INTEGER NOT NULL,
        carrier TEXT NOT NULL, item_ids TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS parcels_by_order ON parcels (order_id)",
    # one row per applied mutation: replays of the same key return `outcome` and change nothing
    """CREATE TABLE IF NOT EXISTS tool_calls (
        idempotency_key TEXT NOT NULL, tool TEXT NOT NULL, target TEXT NOT NULL, args_digest TEXT NOT NULL,
        shopper TEXT, outcome TEXT, PRIMARY KEY (idempotency_key, tool, target))""",
]
