package msez.sanctions

import rego.v1

default screening_passed := false

screening_passed if {
	count(input.screening.matches) == 0
	input.screening.list_age_hours <= data.params.max_list_age_hours
}

freeze_required if some m in input.screening.matches; m.score >= data.params.match_threshold
