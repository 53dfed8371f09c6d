"""Commerce tools and their store.

    from tools import open_shop
    shop = open_shop("sqlite:///shop.db", seed="tau2")
    shop.call("get_order_details", {"order_id": "#W2378156"}, as_shopper="yusuf_rossi_9620")

Money in results is a two-decimal string ('1819.92'); refusals raise ToolError subclasses with .code/.message.
"""
from tools import accounts, assist, catalog, orders, promotions, recommend, tracking  # noqa: F401  (register tools)
from tools.errors import ToolError
from tools.shop import Shop, open_shop

__all__ = ["open_shop", "Shop", "ToolError"]
