package msez.aml

import rego.v1

default cdd_complete := false

# Customer due diligence is complete when identity is verified at the required tier
# and beneficial owners are identified (AML/CFT Regulations s.1).
cdd_complete if {
	input.customer.kyc_tier >= data.params.kyc_tier_required
	input.customer.beneficial_owners_identified
}

# Enhanced due diligence above the threshold or for high-risk customers (s.2).
edd_required if to_number(input.transaction.amount) > to_number(data.params.max_amount_without_enhanced_due_diligence)

edd_required if input.customer.risk_rating == "high"

# Suspicious transaction reports must be filed within the deadline (s.3).
str_overdue if {
	input.suspicion.raised_at_days_ago > data.params.str_filing_days
	not input.suspicion.reported
}
