# %% [markdown] tags=["remove-cell"]
# # 区县制造业“腾笼换鸟、凤凰涅槃”指标报告（模板）
#
# 本笔记本是报告模板：`python -m helpers.runner`（`make reports`）用 papermill 为每个区执行一次，
# 并渲染为不含代码的 HTML。参数见下一个单元格；所有计算都在 `helpers` 中，这里只负责调用和展示。

# %% tags=["parameters"]
district = "beilun"
end_year = None
actuals_path = None
method = "opensdg"

# %% tags=["remove-cell"]
from IPython.display import HTML, display

from helpers import data_version, report
from helpers.plotting import show

rep = report.prepare_report(district, end_year=end_year, actuals_path=actuals_path, method=method)
display(HTML(report.style_html()))  # for JupyterLab; the rendered page carries its own stylesheet

# %%
display(HTML(report.title_html(rep)))

# %% [markdown]
# ## 一、摘要

# %%
display(report.headline_display(rep))
pledges = report.pledge_chart(rep)
if pledges is not None:
    show(pledges.figure, pledges.alt)

# %% [markdown]
# ## 二、指标一览
#
# 每行一项量化指标，名称、类别与牵头单位照原文：基期值与逐年目标均按原文单位列出；“隐含年均变化”按指标类型计算——
# 总量、存量和指数用年均复合增速，“累计新增”类用年均新增量（自基期年末从 0 起算），
# 每年新增类用年均数额，占比用百分点，累计降低率用年均降幅，增速目标即原文增速。

# %%
display(HTML(report.indicator_table_html(rep)))

# %% [markdown]
# ## 三、正文目标
#
# 方案正文（表格以外的文字）印出的每个数值：年份、数值（连同“以上”“不少于”等限定词）和原文，
# 并注明与表格是否一致。

# %%
display(HTML(report.narrative_html(rep)))

# %% [markdown]
# ## 四、落后于路径的指标
#
# 黑色方块为基期值，蓝点为逐年目标（末年标注数值），橙色虚线为从起点到期末目标的平滑路径
# （各图左上角写明中期目标相对这条路径是超前、符合还是滞后），红色菱形为录入的实际值。

# %%
display(HTML(report.behind_note_html(rep)))
for chart in report.behind_charts(rep):
    show(chart.figure, chart.alt)

# %% [markdown]
# ## 五、文件核查
#
# 逐项核对正文与表格、逐年数与合计、累计与存量、增速目标与总量目标是否一致。

# %%
display(HTML(report.audit_html(rep)))

# %% [markdown]
# ## 六、与其他区比较
#
# 只比较各区使用同一指标（同一口径、同一单位）的年均变化；各区方案起止年份不同，括号内为所用年份。
# 同一年份都印了数值的指标（包括只印一个数值的）另按该年水平比较。

# %%
display(HTML(report.standing_html(rep)))
for chart in report.standing_charts(rep):
    show(chart.figure, chart.alt)

# %% [markdown]
# ## 七、实际进展
#
# 实际值默认取自公开发布的数值（data/actuals/published.csv），用户录入的 data/actuals/actuals.csv
# 补充并优先。有实际值的指标按所选方法判定状态（已达标 / 进度正常 / 需加快 / 进展有限 / 倒退），
# 并列出每个实际值的形式（水平值、同比增速、当年新增、占比）、口径与来源；口径或形式不符、数值不合理的
# 实际值列出但不计入（无法评估）；没有实际值的指标标为“无数据”，不作推测。

# %%
display(HTML(report.progress_html(rep)))

# %% [markdown]
# ## 附录　全部指标轨迹
#
# 每项有两个以上数值的指标一幅小图，按类别排列；图例同第四节。

# %%
for chart in report.trajectory_charts(rep):
    show(chart.figure, chart.alt)
display(HTML(report.trajectory_note_html(rep)))

# %% [markdown]
# ## 数据说明

# %%
display(HTML(report.data_notes_html(rep, data_version())))
