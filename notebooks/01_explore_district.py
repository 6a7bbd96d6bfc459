# %% [markdown]
# # 探索一个区的指标
#
# 选一个区（参数单元格），看它的全部量化指标：原文数值与出处、每个指标的增长口径、
# 逐年目标轨迹和中期目标与平滑路径的比较。计算都在 `helpers` 中。

# %% tags=["parameters"]
district = "beilun"
indicator_id = "tax_per_mu"

# %%
import pandas as pd
from IPython.display import HTML, display

from helpers import catalogue, districts, load_indicators, resolve_district
from helpers.growth import growth_table, series_segments
from helpers.milestones import milestone_fit
from helpers.plotting import show, trajectory_grid
from helpers.report import REPORT_CSS, chart_series, fit_notes, fit_paths, prepare_report
from helpers.series import table_series

pd.set_option("display.max_colwidth", 80)
display(HTML(REPORT_CSS))
df = load_indicators()
districts().loc[[resolve_district(district).slug]]

# %% [markdown]
# ## 原文中的数值（每行一个出处）

# %%
rows = load_indicators(district)
rows.groupby(["section", "role"]).size().rename("行数").to_frame()

# %%
rows[rows["indicator_id"] == indicator_id][
    ["indicator", "year", "value", "unit", "role", "section", "source_file", "source_line", "quote"]]

# %% [markdown]
# ## 一个指标：合并重复印刷后的序列与逐段增速

# %%
catalogue().loc[[indicator_id]]

# %%
table_series(df, district, indicator_id)

# %%
series_segments(df, district, indicator_id)

# %% [markdown]
# ## 全部指标的增长口径

# %%
growth = growth_table(df, district)
growth[["name_zh", "rule_zh", "base_year", "base_value", "end_year", "end_value", "unit",
        "multiple", "implied_annual", "change_per_year", "pace_zh", "note"]]

# %%
growth.attrs["skipped"]

# %% [markdown]
# ## 中期目标与平滑路径

# %%
fit = milestone_fit(df, district)
fit[["name_zh", "year", "milestone", "path_value", "unit", "gap", "status_zh"]]

# %% [markdown]
# ## 逐年目标轨迹

# %%
rep = prepare_report(district, df=df)
points = chart_series(rep)
show(trajectory_grid(points, fits=fit_paths(rep), notes=fit_notes(rep), ncols=4,
                     title=f"{rep.district.name} · 全部指标"))
