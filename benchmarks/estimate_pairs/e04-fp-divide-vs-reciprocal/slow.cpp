#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, rounds; scanf("%d %d", &n, &rounds);
    vector<double> v(n); for (auto &x : v) scanf("%lf", &x);
    double total = 0;
    for (int r = 0; r < rounds; r++) {
        double s = 1e-9; for (double x : v) s += x;
        for (auto &x : v) x = x / s + 1.0 / (r + 2);
    }
    for (double x : v) total += x;
    printf("%.6f\n", total);
}
