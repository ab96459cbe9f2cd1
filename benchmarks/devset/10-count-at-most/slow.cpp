#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q;
    cin >> n >> q;
    vector<int> a(n);
    for (int &x : a) cin >> x;
    for (int t = 0; t < q; t++) {
        int x;
        cin >> x;
        int c = 0;
        for (int v : a)
            if (v <= x) c++;
        cout << c << '\n';
    }
}
