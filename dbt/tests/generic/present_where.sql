{#- Fails for each row whose column is empty where `condition` holds, or filled where it does not. -#}
{% test present_where(model, column_name, condition) %}

select
    {{ column_name }},
    {{ condition }} as condition_holds
from {{ model }}
where ({{ column_name }} is null) = ({{ condition }})

{% endtest %}
