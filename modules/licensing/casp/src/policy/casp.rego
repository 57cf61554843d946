package msez.casp

import rego.v1

travel_rule_applies if to_number(input.transfer.amount_usd) >= to_number(data.params.travel_rule_threshold)

cold_storage_ok if input.custody.cold_percent >= data.params.min_cold_storage_percent
