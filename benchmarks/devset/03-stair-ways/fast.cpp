#include <bits/stdc++.h>
using namespace std;

int main() {
    long long w[64] = {1};
    for (int i = 1; i < 64; i++) {
        w[i] = w[i - 1];
        if (i >= 2) w[i] += w[i - 2];
        if (i >= 3) w[i] += w[i - 3];
    }
    int t;
    cin >> t;
    while (t--) {
        int n;
        cin >> n;
        cout << w[n] << '\n';
    }
}
