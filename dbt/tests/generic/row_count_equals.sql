{#- Fails when the model does not have exactly `expected` rows (the grain fixes the count). -#}
{% test row_count_equals(model, expected) %}

select
    count(*) as actual_rows,
    {{ expected }} as expected_rows
from {{ model }}
having count(*) != {{ expected }}

{% endtest %}
