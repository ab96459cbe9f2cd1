#include <iostream>
#include <vector>
using namespace std;

int first(vector<int> v) {
    v[0] += 1;
    return v[0];
}

int main() {
    vector<int> a = {1, 2, 3};
    cout << first(a) << " " << a[0] << "\n";
}
