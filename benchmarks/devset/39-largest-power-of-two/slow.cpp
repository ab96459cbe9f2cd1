#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long total = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        int k = 0;
        while (pow(2, k + 1) <= x) k++;
        total += (long long)pow(2, k);
        cout << k << (i + 1 == n ? "\n" : " ");
    }
    cout << total << endl;
}
