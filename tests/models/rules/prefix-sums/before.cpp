#include <iostream>
#include <vector>
using namespace std;

int main() {
    int n, q;
    cin >> n >> q;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    while (q--) {
        int l, r;
        cin >> l >> r;
        long long s = 0;
        for (int j = l; j <= r; j++) s += a[j];
        cout << s << "\n";
    }
    int k = 3, best = 0;
    int b[8] = {5, 1, 4, 1, 5, 9, 2, 6};
    for (int i = 0; i + k <= 8; i++) {
        int window = 0;
        for (int j = i; j < i + k; j++) window += b[j];
        if (window > best) best = window;
    }
    cout << best << "\n";
}
