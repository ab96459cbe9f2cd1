#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); double s = 0;
    for (int i = 1; i <= n; i++) { double x = 1.0 + i * 1e-4; s += pow(x, 3.0) - pow(x, 0.5); }
    printf("%.4f\n", s);
}
