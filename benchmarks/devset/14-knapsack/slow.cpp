#include <bits/stdc++.h>
using namespace std;

int n, W;
int wt[64], val[64];

int best(int i, int cap) {
    if (i == n) return 0;
    int res = best(i + 1, cap);
    if (wt[i] <= cap) res = max(res, val[i] + best(i + 1, cap - wt[i]));
    return res;
}

int main() {
    cin >> n >> W;
    for (int i = 0; i < n; i++) cin >> wt[i] >> val[i];
    cout << best(0, W) << "\n";
    return 0;
}
