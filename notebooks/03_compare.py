# %% [markdown]
# # 跨区比较
#
# 各区方案的起止年份不同（北仑 2020→2025、鄞州 2022→2027、镇海 2020→2025、瓯海 2021→2023），
# 因此按两种方式并列：同一年份的水平值，以及各自方案期内的年均变化（注明所用年份）。
# 同一概念下各区测度不同（存量对每年流量等）时会标注，不作等同比较。

# %%
import pandas as pd
from IPython.display import HTML, display

from helpers import load_indicators
from helpers.compare import (compare_districts, comparison_table, level_comparison, level_text,
                             shared_concepts)
from helpers.plotting import show
from helpers.report import REPORT_CSS, html_table, shared_levels_figure, shared_rates_figure

df = load_indicators()
display(HTML(REPORT_CSS))
shared_concepts(df)

# %% [markdown]
# ## 对照表（每区一列）

# %%
table = comparison_table(df)
display(HTML(html_table(table.rename(columns={"concept": "概念", "indicator": "指标",
                                              "comparison": "比较", "basis": "口径",
                                              "flag": "说明"}),
                        group="概念", nowrap=["比较"])))

# %% [markdown]
# ## 共同指标的计划年均增速

# %%
tidy = compare_districts(df)
show(shared_rates_figure(tidy))

# %% [markdown]
# ## 同一年份的水平（含只印一个数值的指标）
#
# 同一指标有两个以上区在同一年份印了数值时（默认取印数值的区最多的年份），按该年水平排序；
# 只印一个年份的指标没有年均变化，但仍在此比较。“（基数）”为基期值，“（正文）”为正文所列数值。

# %%
levels = level_comparison(tidy)
display(HTML(html_table(
    levels.assign(数值=[level_text(v, u, r, o) for v, u, r, o in
                      zip(levels["value"], levels["unit"], levels["role"], levels["origin"])],
                  排名=[f"{r}/{n}" for r, n in zip(levels["rank"], levels["n"])])
    .rename(columns={"name_zh": "指标", "year": "年份", "district_name": "区"})
    [["指标", "年份", "区", "数值", "排名"]],
    group="指标", numeric=["数值", "排名"])))
show(shared_levels_figure(levels))

# %% [markdown]
# ## 明细（整洁表）

# %%
tidy[tidy["statistic"] != "level"][["concept", "district_name", "name_zh", "statistic", "year_from",
                                    "year_to", "value", "value_unit", "flag"]]
