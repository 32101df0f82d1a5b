set terminal svg size 800,360 font 'sans,11'
set output 'fashion_mnist_out/curves.svg'
set datafile separator ','
set key autotitle columnhead
set multiplot layout 1,2
set xlabel 'epoch'
set xrange [0.5:1.5]
set title 'loss (cross-entropy)'
plot 'fashion_mnist_out/curves.csv' using 1:2 with linespoints title 'train', '' using 1:4 with linespoints title 'test'
set title 'accuracy'
set format y '%.0f%%'
plot 'fashion_mnist_out/curves.csv' using 1:($3*100) with linespoints title 'train', '' using 1:($5*100) with linespoints title 'test'
unset multiplot
