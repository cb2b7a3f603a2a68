set terminal svg size 1100,480 dynamic font 'DejaVu Sans,10' background '#ffffff'
set output '/work/main/docs/bench/peer/ours/chart.svg'
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel 'MiB/s'
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
set key top left
set grid ytics
set multiplot layout 1,2 title 'md bitmaps under fio, 2026-12-02, 2 vCPUs TCG, median of 8 (bars: min-max)' font ',13'
set title '4k random write' font ',12'
plot '/work/main/docs/bench/peer/ours/chart-rand4k.dat' using 3:4:5:xtic(2) title 'none' lc rgb '#9e9e9e', '/work/main/docs/bench/peer/ours/chart-rand4k.dat' using 6:7:8:xtic(2) title 'llbitmap' lc rgb '#2e9e5b', '/work/main/docs/bench/peer/ours/chart-rand4k.dat' using ($1 + 0.16666666666666666):8:9 with labels offset 0,1.6 font ',8' notitle
set title '1M sequential write' font ',12'
plot '/work/main/docs/bench/peer/ours/chart-seq1m.dat' using 3:4:5:xtic(2) title 'none' lc rgb '#9e9e9e', '/work/main/docs/bench/peer/ours/chart-seq1m.dat' using 6:7:8:xtic(2) title 'llbitmap' lc rgb '#2e9e5b', '/work/main/docs/bench/peer/ours/chart-seq1m.dat' using ($1 + 0.16666666666666666):8:9 with labels offset 0,1.6 font ',8' notitle
unset multiplot
