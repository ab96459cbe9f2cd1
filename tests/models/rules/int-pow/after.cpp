#include <cmath>
#include <cstdio>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    double s = 0;
    for (int i = 1; i <= n; i++) s += ((double)(i) * (double)(i)) + ((double)(i * 0.5) * (double)(i * 0.5) * (double)(i * 0.5));
    printf("%.3f\n", s);
}
