#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<int> a = {3, 1, 2};
    for (int i = 0; i < 3; i++) {
        cout << *max_element(a.begin(), a.end()) << "\n";
        a[i] = 0;
    }
}
